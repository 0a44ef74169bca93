// The supervisor's moderation-quality page in the browser (docs/API.md "Moderation quality"), on
// the demo data (`vitrina demo-seed`: a team of 12 moderators with a month of decisions, one of
// whom dismisses almost every fraud complaint and one about 5× slower than the rest).
// supervisor@demo.test opens /quality from the header: the moderators table lists the team
// (at least 10) with the numbers of the response, rows with deviations are highlighted and
// carry the server's explanation, and the deviation tasks that asking for the table opened are
// listed. One open task is acknowledged (it shows acknowledged in place), closed with a typed
// result (it shows closed, and GET /quality/tasks?status=closed returns it with that result);
// closing is disabled while the result is empty. A synthetic honeypot is created from the form.
// On a phone-sized screen nothing overflows the page. moderator@demo.test (a moderator, not a
// supervisor) sees no Quality link, "no access" on /quality, and 403 from the API.
// analyst@demo.test opens the complaint themes from the header: one card per theme of the
// response, titled by its label words, with its growth; buyer@demo.test has no link, "no access"
// on /quality/themes, and 403 from the API.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';

import { captureConsole, newContext, screenshotAll } from './lib/browser.mjs';
import { useServerAndBrowser } from './lib/suite.mjs';
import { loginViaUI } from './lib/ui.mjs';

const DEMO_PASSWORD = `demo-${randomBytes(8).toString('hex')}`;
// `vitrina demo-seed` (run through server.cli, which gets the same env) sets this password.
const env = useServerAndBrowser({ env: { VITRINA_DEMO_PASSWORD: DEMO_PASSWORD } });
const supervisor = { email: 'supervisor@demo.test', password: DEMO_PASSWORD };
const moderator = { email: 'moderator@demo.test', password: DEMO_PASSWORD };
const analyst = { email: 'analyst@demo.test', password: DEMO_PASSWORD };
const buyer = { email: 'buyer@demo.test', password: DEMO_PASSWORD };

/** "83 % (62–94 %)" or "—" */
const ACCURACY = /^(\d{1,3} % \(\d{1,3}–\d{1,3} %\)|—)$/;

/** `vitrina demo-seed` on the server's data dir, once per file (whichever test runs first). */
let seeding;
function seedDemo() {
  seeding ??= env.server.cli(['demo-seed', '--data-dir', env.server.dataDir]).then((r) => {
    assert.equal(r.code, 0, `vitrina demo-seed failed:\n${r.stdout}\n${r.stderr}`);
  });
  return seeding;
}

const isPath = (p) => (r) => new URL(r.url()).pathname === p;
const isPost = (p) => (r) => isPath(p)(r) && r.request().method() === 'POST';

async function assertNoHorizontalOverflow(page, what) {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  assert.ok(scrollWidth <= innerWidth + 1, `${what} overflows a phone screen: scrollWidth ${scrollWidth} > ${innerWidth}`);
}

test('a supervisor reads the moderators’ figures and works a deviation task to a result', { timeout: 180_000 }, async (t) => {
  await seedDemo();
  const { baseURL } = env.server;
  const ctx = await newContext(env.browser, baseURL);
  const page = await ctx.newPage();
  const lines = captureConsole(page, 'supervisor');
  let phone;
  let phoneLines = [];
  try {
    await loginViaUI(page, supervisor);

    // The header leads to the page; the table asks for the last 30 days, then the open tasks
    // (asking for the table is what opens tasks for new deviations).
    const reportLoaded = page.waitForResponse(isPath('/api/v1/quality/moderators'));
    const tasksLoaded = page.waitForResponse(
      (r) => isPath('/api/v1/quality/tasks')(r) && new URL(r.url()).searchParams.get('status') === 'open',
    );
    await page.getByTestId('nav-quality').click();
    await page.waitForURL(/\/quality(\?|$)/);
    const reportResponse = await reportLoaded;
    assert.equal(reportResponse.status(), 200, await reportResponse.text());
    const report = await reportResponse.json();
    const asked = new URL(reportResponse.url()).searchParams.get('from');
    const days = (Date.now() - Date.parse(asked)) / 86_400_000;
    assert.ok(days > 29.9 && days < 30.1, `the default period is the last 30 days: from=${asked}`);

    // The moderators table: the team, each row as the response says.
    const table = page.getByTestId('quality-moderators');
    await table.waitFor();
    const rows = table.getByTestId('quality-moderator');
    const shown = await rows.count();
    assert.ok(shown >= 10, `the table lists the demo team: ${shown} rows, ${report.items.length} in the response`);
    assert.equal(shown, report.items.length, 'one row per moderator of the response');
    for (const acc of await table.getByTestId('quality-honeypot').allTextContents()) {
      assert.match(acc.trim(), ACCURACY, 'honeypot accuracy reads "83 % (62–94 %)" or "—"');
    }
    const deviant = report.items.filter((m) => (m.deviations ?? []).length > 0);
    assert.ok(deviant.length > 0, `the demo team has deviations: ${JSON.stringify(report.items.map((m) => [m.moderator?.display_name, m.deviations]))}`);
    for (const m of deviant) {
      const row = table.locator(`[data-testid="quality-moderator"][data-moderator-id="${m.moderator_id}"]`);
      assert.match((await row.getAttribute('class')) ?? '', /quality-row-deviant/, `${m.moderator.display_name}'s row is highlighted`);
      const said = await row.getByTestId('quality-deviation').allInnerTexts();
      for (const d of m.deviations) {
        assert.ok(said.some((s) => s.includes(d.explanation)), `the row explains ${d.metric}: "${d.explanation}" in ${JSON.stringify(said)}`);
      }
    }
    const calm = report.items.find((m) => (m.deviations ?? []).length === 0);
    if (calm) {
      const row = table.locator(`[data-testid="quality-moderator"][data-moderator-id="${calm.moderator_id}"]`);
      assert.doesNotMatch((await row.getAttribute('class')) ?? '', /quality-row-deviant/, 'a row without deviations is not highlighted');
    }
    t.diagnostic(
      `${shown} moderators, deviations: ${deviant.map((m) => `${m.moderator.display_name}: ${m.deviations.map((d) => d.metric).join(', ')}`).join('; ')}`,
    );

    // The open tasks: each with the moderator's name and the server's explanation.
    const tasksResponse = await tasksLoaded;
    assert.equal(tasksResponse.status(), 200, await tasksResponse.text());
    const openTasks = (await tasksResponse.json()).items;
    assert.ok(openTasks.length > 0, 'asking for the table opened deviation tasks');
    const cards = page.getByTestId('deviation-task');
    await cards.first().waitFor();
    assert.equal(await cards.count(), openTasks.length, 'one card per open task');
    const task = openTasks.find((x) => report.items.some((m) => m.moderator_id === x.moderator_id)) ?? openTasks[0];
    const card = page.locator(`[data-testid="deviation-task"][data-task-id="${task.id}"]`);
    assert.equal(await card.getAttribute('data-status'), 'open');
    const explanation = (await card.getByTestId('task-explanation').innerText()).trim();
    assert.ok(explanation.length > 0, 'the task shows an explanation');
    assert.equal(explanation, task.explanation.trim(), 'the explanation is the server’s');
    const named = report.items.find((m) => m.moderator_id === task.moderator_id);
    if (named) assert.equal((await card.getByTestId('task-moderator').innerText()).trim(), named.moderator.display_name);

    // Acknowledge: the card shows it in place.
    const acknowledged = page.waitForResponse(isPost(`/api/v1/quality/tasks/${task.id}/acknowledge`));
    await card.getByTestId('task-acknowledge').click();
    assert.equal((await acknowledged).status(), 200);
    await page.locator(`[data-testid="deviation-task"][data-task-id="${task.id}"][data-status="acknowledged"]`).waitFor();
    assert.equal((await card.getByTestId('task-status').innerText()).trim(), 'Acknowledged');
    assert.equal(await card.getByTestId('task-acknowledge').count(), 0, 'no acknowledging twice');

    // Close with a result: disabled while the result is empty.
    const close = card.getByTestId('task-close');
    assert.ok(await close.isDisabled(), 'close is disabled without a result');
    await card.getByTestId('task-result').fill('   ');
    assert.ok(await close.isDisabled(), 'close is disabled with a blank result');
    const result = `Reviewed with the moderator ${randomBytes(4).toString('hex')}: retrained on fraud.`;
    await card.getByTestId('task-result').fill(result);
    assert.ok(await close.isEnabled(), 'close is enabled once a result is typed');
    const closed = page.waitForResponse(isPost(`/api/v1/quality/tasks/${task.id}/close`));
    await close.click();
    const closedResponse = await closed;
    assert.equal(closedResponse.status(), 200, await closedResponse.text());
    assert.equal(closedResponse.request().postDataJSON().result, result, 'the typed result is sent');
    await page.locator(`[data-testid="deviation-task"][data-task-id="${task.id}"][data-status="closed"]`).waitFor();
    assert.equal((await card.getByTestId('task-status').innerText()).trim(), 'Closed');
    assert.equal((await card.getByTestId('task-result-text').innerText()).trim(), result);
    assert.equal(await card.getByTestId('task-close').count(), 0, 'no closing twice');

    // The API keeps it: closed, with that result.
    const closedList = await page.request.get('/api/v1/quality/tasks?status=closed');
    assert.equal(closedList.status(), 200);
    const stored = (await closedList.json()).items.find((x) => x.id === task.id);
    assert.ok(stored, `GET /quality/tasks?status=closed returns task ${task.id}`);
    assert.equal(stored.status, 'closed');
    assert.equal(stored.result, result);

    // The status filter shows it among the closed ones.
    const closedLoaded = page.waitForResponse(
      (r) => isPath('/api/v1/quality/tasks')(r) && new URL(r.url()).searchParams.get('status') === 'closed',
    );
    await page.getByTestId('task-status-filter').selectOption('closed');
    assert.equal((await closedLoaded).status(), 200);
    const closedShown = page.locator('[data-testid="quality-tasks"][data-state="loaded"][data-filter="closed"]');
    await closedShown.waitFor();
    await closedShown.locator(`[data-testid="deviation-task"][data-task-id="${task.id}"][data-status="closed"]`).waitFor();
    assert.equal(await page.locator('[data-testid="deviation-task"]:not([data-status="closed"])').count(), 0, 'only closed tasks');

    // A synthetic honeypot from the form.
    const text = `He asked for a prepayment to his card before the viewing ${randomBytes(3).toString('hex')}`;
    await page.getByTestId('honeypot-category').selectOption('prepayment_request');
    await page.getByTestId('honeypot-expected').selectOption('block');
    await page.getByTestId('honeypot-acceptable-ban').check();
    await page.getByTestId('honeypot-text').fill(text);
    const createdWait = page.waitForResponse(isPost('/api/v1/quality/honeypots'));
    await page.getByTestId('honeypot-create').click();
    const created = await createdWait;
    assert.equal(created.status(), 201, await created.text());
    const sent = created.request().postDataJSON();
    assert.deepEqual(sent, { synthetic: { category: 'prepayment_request', text }, expected: { action: 'block', acceptable: ['ban'] } });
    const honeypot = await created.json();
    const hpRow = page.locator(`[data-testid="honeypot-row"][data-honeypot-id="${honeypot.id}"]`);
    await hpRow.waitFor();
    assert.match(await hpRow.innerText(), new RegExp(text.slice(-6)));
    const hpList = await (await page.request.get('/api/v1/quality/honeypots')).json();
    assert.ok(hpList.items.some((h) => h.id === honeypot.id && h.expected.action === 'block'), 'the honeypot is stored');

    // A phone-sized screen: the table scrolls inside its box, never the page.
    phone = await ctx.newPage();
    phoneLines = captureConsole(phone, 'phone');
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto('/quality');
    await phone.getByTestId('quality-moderators').waitFor();
    await phone.getByTestId('quality-tasks').locator('[data-testid="deviation-task"], [data-testid="quality-tasks-empty"]').first().waitFor();
    await phone.locator('[data-testid="quality-honeypots"][data-state="loaded"]').waitFor();
    await assertNoHorizontalOverflow(phone, '/quality');
  } catch (e) {
    await screenshotAll({ supervisor: page, phone }, 'quality');
    console.error([...lines, ...phoneLines].join('\n'));
    throw e;
  } finally {
    await ctx.close();
  }
});

test('a moderator who is not a supervisor has no quality page: no link, no access, 403', { timeout: 60_000 }, async () => {
  await seedDemo();
  const { baseURL } = env.server;
  const ctx = await newContext(env.browser, baseURL);
  const page = await ctx.newPage();
  const lines = captureConsole(page, 'moderator');
  try {
    await loginViaUI(page, moderator);
    await page.getByTestId('nav-moderation').waitFor();
    assert.equal(await page.getByTestId('nav-quality').count(), 0, 'no Quality link for a moderator');
    await page.goto('/quality');
    await page.getByTestId('quality-no-access').waitFor();
    assert.equal(await page.getByTestId('quality-moderators').count(), 0);
    assert.equal(await page.getByTestId('deviation-task').count(), 0);

    for (const path of ['/api/v1/quality/moderators', '/api/v1/quality/tasks?status=open', '/api/v1/quality/honeypots']) {
      const r = await page.request.get(path);
      assert.equal(r.status(), 403, `${path} as a moderator: ${r.status()} ${await r.text()}`);
      assert.equal((await r.json()).error?.code, 'forbidden');
    }
  } catch (e) {
    await screenshotAll({ moderator: page }, 'quality-moderator');
    console.error(lines.join('\n'));
    throw e;
  } finally {
    await ctx.close();
  }
});

test('an analyst reads the complaint themes; a buyer has no access', { timeout: 90_000 }, async (t) => {
  await seedDemo();
  const { baseURL } = env.server;
  const ctx = await newContext(env.browser, baseURL);
  const page = await ctx.newPage();
  const lines = captureConsole(page, 'analyst');
  let other;
  let otherLines = [];
  try {
    await loginViaUI(page, analyst);
    const loaded = page.waitForResponse(
      (r) => isPath('/api/v1/quality/themes')(r) && new URL(r.url()).searchParams.get('source') === 'complaints',
    );
    await page.getByTestId('nav-themes').click();
    await page.waitForURL(/\/quality\/themes(\?|$)/);
    const response = await loaded;
    assert.equal(response.status(), 200, await response.text());
    const report = await response.json();
    const asked = new URL(response.url()).searchParams.get('from');
    const days = (Date.now() - Date.parse(asked)) / 86_400_000;
    assert.ok(days > 29.9 && days < 30.1, `the default period is the last 30 days: from=${asked}`);

    await page.locator('[data-testid="themes-page"][data-state="loaded"]').waitFor();
    const items = page.getByTestId('theme-item');
    t.diagnostic(`${report.texts} complaint texts, ${report.items.length} themes: ${report.items.map((x) => x.label_terms.join('/')).join('; ')}`);
    assert.ok(report.items.length > 0, `the demo's complaints of the last 30 days make themes: ${JSON.stringify(report)}`);
    assert.equal(await items.count(), report.items.length, 'one card per theme of the response');
    for (const theme of report.items) {
      const card = page.locator(`[data-testid="theme-item"][data-theme-id="${theme.id}"]`);
      const title = (await card.getByTestId('theme-title').innerText()).trim();
      if (theme.label_terms.length > 0) assert.equal(title, theme.label_terms.join(' — '));
      else assert.equal(title, 'Other / too short');
      const growth = (await card.getByTestId('theme-growth').innerText()).trim();
      if (theme.previous_size === 0 && theme.size > 0) assert.equal(growth, 'new');
      else assert.match(growth, /^([+−]\d+ %|0 %|—)$/, `growth reads "+50 %" or "−20 %": ${growth}`);
      assert.equal(await card.getByTestId('theme-example').count(), theme.examples.length, 'every example is quoted');
    }

    // Another source: the page asks for it and shows its answer.
    const appeals = page.waitForResponse(
      (r) => isPath('/api/v1/quality/themes')(r) && new URL(r.url()).searchParams.get('source') === 'appeals',
    );
    await page.getByTestId('themes-source-appeals').click();
    const appealsResponse = await appeals;
    assert.equal(appealsResponse.status(), 200, await appealsResponse.text());
    const appealsReport = await appealsResponse.json();
    await page.locator('[data-testid="themes-page"][data-state="loaded"][data-source="appeals"]').waitFor();
    assert.equal(await items.count(), appealsReport.items.length, 'one card per appeal theme');

    // A buyer: no link, no access, 403.
    other = await newContext(env.browser, baseURL);
    const buyerPage = await other.newPage();
    otherLines = captureConsole(buyerPage, 'buyer');
    await loginViaUI(buyerPage, buyer);
    await buyerPage.getByTestId('nav-notifications').waitFor();
    assert.equal(await buyerPage.getByTestId('nav-themes').count(), 0, 'no themes link for a buyer');
    await buyerPage.goto('/quality/themes');
    await buyerPage.getByTestId('themes-no-access').waitFor();
    assert.equal(await buyerPage.getByTestId('theme-item').count(), 0);
    const r = await buyerPage.request.get('/api/v1/quality/themes?source=complaints');
    assert.equal(r.status(), 403, `themes as a buyer: ${r.status()} ${await r.text()}`);
    assert.equal((await r.json()).error?.code, 'forbidden');
  } catch (e) {
    await screenshotAll({ analyst: page }, 'quality-themes');
    console.error([...lines, ...otherLines].join('\n'));
    throw e;
  } finally {
    await other?.close();
    await ctx.close();
  }
});
