// Phrase rules in the browser (docs/analytics.md): an admin opens /admin/rules, sees the shipped
// set, is told where a bad expression is wrong, saves a good rule and edits it, tries a text
// against the rules (hits highlighted by character offsets in Russian, tone, masked text),
// and queues the re-evaluation of stored calls.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { captureConsole, newContext, screenshotAll } from './lib/browser.mjs';
import { apiRequest } from './lib/server.mjs';
import { useServerAndBrowser } from './lib/suite.mjs';
import { loginViaUI, makeUser } from './lib/ui.mjs';

const env = useServerAndBrowser();

test('an admin manages phrase rules and tries them on a text', { timeout: 120_000 }, async () => {
  const { baseURL } = env.server;
  const admin = makeUser('admin');
  await env.server.addUser(admin, 'admin');
  const ctx = await newContext(env.browser, baseURL);
  const page = await ctx.newPage();
  const lines = captureConsole(page, 'admin');
  try {
    await loginViaUI(page, admin);
    await page.goto('/admin/rules');
    await page.getByTestId('rules-table').waitFor();
    const shipped = await page.getByTestId('rule-row').count();
    assert.ok(shipped >= 16, `the shipped rules are listed: ${shipped}`);

    // A bad expression: the server's message, with the position it names, under the field.
    const form = page.locator('[data-testid="rule-form"][data-mode="new"]');
    await form.getByTestId('rule-category').selectOption('pressure');
    await form.getByTestId('rule-language').selectOption('ru');
    await form.getByTestId('rule-expression').fill('быстрее "другие покупатели');
    await form.getByTestId('rule-save').click();
    const error = form.locator('[data-testid="rule-error"][data-code="bad_rule"]');
    await error.waitFor();
    assert.match(await error.textContent(), /9/, 'the error names where the quote opens');
    assert.equal(await page.getByTestId('rule-row').count(), shipped, 'nothing was saved');

    // A good one is saved and listed; then disabled inline.
    const expression = 'быстрее NEAR/3 "другие покупатели"';
    await form.getByTestId('rule-expression').fill(expression);
    const saved = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/v1/admin/rules');
    await form.getByTestId('rule-save').click();
    const created = await (await saved).json();
    assert.equal(created.expression, expression);
    const row = page.locator(`[data-testid="rule-row"][data-rule-id="${created.id}"]`);
    await row.waitFor();
    await row.getByTestId('rule-edit').click();
    const edit = page.locator(`[data-testid="rule-form"][data-mode="edit"][data-rule-id="${created.id}"]`);
    await edit.getByTestId('rule-enabled').uncheck();
    const patched = page.waitForResponse((r) => r.request().method() === 'PATCH');
    await edit.getByTestId('rule-save').click();
    assert.equal((await patched).status(), 200);
    const token = (await apiRequest(baseURL, 'POST', '/api/v1/auth/login', { body: { email: admin.email, password: admin.password } })).json.token;
    const listed = await apiRequest(baseURL, 'GET', '/api/v1/admin/rules', { token });
    assert.equal(listed.json.items.find((r) => r.id === created.id)?.enabled, false, 'the rule is off on the server');

    // Try a text: the prepayment hit is marked on the right characters; the phone is masked.
    const text = 'Срочно нужна предоплата на карту, мой номер 89161234567';
    await page.getByTestId('preview-text').fill(text);
    await page.getByTestId('preview-language').selectOption('ru');
    await page.getByTestId('preview-run').click();
    await page.getByTestId('preview-result').waitFor();
    const marks = await page.locator('[data-testid="preview-hits"] [data-testid="preview-mark"]').allTextContents();
    assert.ok(marks.some((m) => m.includes('предоплат')), `the hit is marked: ${JSON.stringify(marks)}`);
    assert.match(await page.getByTestId('preview-masked').textContent(), /\[phone\]/);
    assert.doesNotMatch(await page.getByTestId('preview-masked').textContent(), /89161234567/);
    await page.getByTestId('preview-tone').waitFor();

    // Re-evaluate stored calls: a job is queued.
    const queued = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/admin/analytics/backfill');
    await page.getByTestId('backfill-run').click();
    assert.equal((await queued).status(), 202);
    await page.getByTestId('backfill-job').waitFor();
  } catch (e) {
    await screenshotAll({ admin: page }, 'rules');
    console.error(lines.join('\n'));
    throw e;
  }
});
