// The analyst's workspace in the browser (docs/API.md "Analyst workspace"), on the demo data
// (`vitrina demo-seed`: demo accounts and a few hundred generated calls over the last 30 days).
// analyst@demo.test opens /analytics from the header: the charts draw (uPlot canvases), one
// switches to its table (the numbers of the response), one chart's CSV is downloaded; the call
// explorer lists calls with pseudonyms, a call opens with pseudonyms and no e-mail (and masked
// contact details when the seed has a contact_exchange flag); the calls export downloads as CSV
// without e-mails or ids other than call_id. On a phone-sized screen nothing overflows the page.
// buyer@demo.test sees no Analytics link, "no access" on /analytics, and 403 from the API.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';

import { captureConsole, newContext, screenshotAll } from './lib/browser.mjs';
import { useServerAndBrowser } from './lib/suite.mjs';
import { loginViaUI } from './lib/ui.mjs';

const DEMO_PASSWORD = `demo-${randomBytes(8).toString('hex')}`;
// `vitrina demo-seed` (run through server.cli, which gets the same env) sets this password.
// Rollups every 2 s: the dashboard shows the seeded history soon after demo-seed writes it.
const env = useServerAndBrowser({
  env: { VITRINA_DEMO_PASSWORD: DEMO_PASSWORD, VITRINA_ANALYTICS_ROLLUP_INTERVAL_SECONDS: '2' },
});
const analyst = { email: 'analyst@demo.test', password: DEMO_PASSWORD };
const buyer = { email: 'buyer@demo.test', password: DEMO_PASSWORD };

const PSEUDONYM = /^u_[0-9a-f]{16}$/;
const EMAIL = /[^\s@]+@[^\s@]+\.[a-z]{2,}/i;
/** Seven or more digits in a row, allowing the usual separators of a phone number. */
const DIGIT_RUN = /\d(?:[\s()+-]*\d){6,}/;
/** Seven or more digits said as words in a row (how the seed's sellers dictate a number). */
const DIGIT_WORD = '(?:ноль|один|два|три|четыре|пять|шесть|семь|восемь|девять|zero|one|two|three|four|five|six|seven|eight|nine)';
const SPOKEN_RUN = new RegExp(`(?<!\\p{L})${DIGIT_WORD}(?:[\\s,.-]+${DIGIT_WORD}){6,}(?!\\p{L})`, 'iu');

/** `vitrina demo-seed` on the server's data dir, once per file (whichever test runs first). */
let seeding;
function seedDemo() {
  seeding ??= env.server.cli(['demo-seed', '--data-dir', env.server.dataDir]).then((r) => {
    assert.equal(r.code, 0, `vitrina demo-seed failed:\n${r.stdout}\n${r.stderr}`);
  });
  return seeding;
}

/** RFC 4180: quoted fields, doubled quotes, CRLF or LF line ends. */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  const s = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (quoted) {
      if (ch === '"' && s[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' || ch === '\n') {
      if (ch === '\r' && s[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

const isPath = (p) => (r) => new URL(r.url()).pathname === p;

/** Waits until at least `n` dashboard charts have drawn their canvas. */
async function chartsDrawn(page, n) {
  await page.waitForFunction(
    (min) =>
      [...document.querySelectorAll('[data-testid="analytics-chart"]')].filter((el) => el.querySelector('canvas')).length >= min,
    n,
    { timeout: 30_000 },
  );
  return page.locator('[data-testid="analytics-chart"]:has(canvas)').count();
}

async function assertNoHorizontalOverflow(page, what) {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  assert.ok(scrollWidth <= innerWidth + 1, `${what} overflows a phone screen: scrollWidth ${scrollWidth} > ${innerWidth}`);
}

async function downloadText(page, click) {
  const [download] = await Promise.all([page.waitForEvent('download'), click()]);
  const file = await download.path();
  return { name: download.suggestedFilename(), text: await readFile(file, 'utf8') };
}

test('an analyst reads the dashboard, explores calls and exports them', { timeout: 240_000 }, async (t) => {
  await seedDemo();
  const { baseURL } = env.server;
  const ctx = await newContext(env.browser, baseURL);
  const page = await ctx.newPage();
  const lines = captureConsole(page, 'analyst');
  let phone;
  let phoneLines = [];
  try {
    await loginViaUI(page, analyst);

    // The header leads to the dashboard; by default the last 30 UTC days.
    const dashboardLoaded = page.waitForResponse(isPath('/api/v1/analytics/dashboard'));
    await page.getByTestId('nav-analytics').click();
    await page.waitForURL(/\/analytics$|\/analytics\?/);
    const dashResponse = await dashboardLoaded;
    assert.equal(dashResponse.status(), 200, await dashResponse.text());
    const dash = await dashResponse.json();
    const root = page.getByTestId('analytics-dashboard');
    await root.waitFor();
    const from = await page.getByTestId('analytics-from').inputValue();
    const to = await page.getByTestId('analytics-to').inputValue();
    const asked = new URL(dashResponse.url()).searchParams;
    assert.deepEqual([asked.get('from'), asked.get('to')], [from, to], 'the request asks for the period shown');
    const days = Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
    assert.equal(days, 30, `the default period is 30 days: ${from} … ${to}`);
    assert.deepEqual([dash.period?.from, dash.period?.to], [from, to], 'the response is for that period');
    const callsInPeriod = (dash.series.calls_per_day ?? []).reduce((sum, d) => sum + d.n, 0);
    assert.ok(callsInPeriod > 0, `the demo seed has calls in the last 30 days: ${JSON.stringify(dash.series.calls_per_day)}`);

    const drawn = await chartsDrawn(page, 5);
    t.diagnostic(`${drawn} charts drawn, ${callsInPeriod} calls in ${from} … ${to}`);
    await page.getByTestId('analytics-computed-at').waitFor();

    // Calls per day as a table: exactly the numbers of the response, one row per day.
    const perDay = page.locator('[data-testid="analytics-chart"][data-chart="calls_per_day"]');
    await perDay.getByTestId('chart-view-toggle').click();
    const table = perDay.getByTestId('chart-table');
    await table.waitFor();
    assert.equal(await perDay.locator('canvas').count(), 0, 'the table replaces the chart');
    const rows = table.getByTestId('chart-table-row');
    assert.equal(await rows.count(), 30, 'one row per day of the period');
    const cells = await table.locator('td[data-value]').evaluateAll((tds) => tds.map((td) => [td.dataset.value, td.textContent]));
    assert.ok(cells.every(([, text]) => /\d|—/.test(text)), `cells show numbers: ${JSON.stringify(cells.slice(0, 8))}`);
    const tableSum = cells.reduce((sum, [v]) => sum + (v === '' ? 0 : Number(v)), 0);
    const responseSum = (dash.series.calls_per_day ?? []).reduce(
      (sum, d) => sum + Object.values(d.by_outcome ?? {}).reduce((a, b) => a + b, 0),
      0,
    );
    assert.equal(tableSum, responseSum, 'the table holds the outcome counts of the response');
    assert.ok(tableSum > 0, 'and they are not all zero');
    await perDay.getByTestId('chart-view-toggle').click();
    await perDay.locator('canvas').first().waitFor();

    // That chart's CSV: named after the chart and the period, header row, one row per day.
    const csv = await downloadText(page, () => perDay.getByTestId('chart-csv').click());
    assert.equal(csv.name, `calls_per_day-${from}-${to}.csv`);
    const csvRows = parseCsv(csv.text);
    assert.deepEqual(csvRows[0]?.slice(0, 5), ['day', 'ended', 'missed', 'failed', 'no_show'], `CSV header: ${csvRows[0]}`);
    assert.equal(csvRows.length, 31, 'header + 30 days');
    assert.match(csvRows[1]?.[0] ?? '', /^\d{4}-\d{2}-\d{2}$/);

    // The explorer: calls of the same period with pseudonyms only.
    const callsLoaded = page.waitForResponse(isPath('/api/v1/analytics/calls'));
    await page.getByTestId('analytics-to-calls').click();
    await page.waitForURL(/\/analytics\/calls\?/);
    const callsResponse = await callsLoaded;
    assert.equal(callsResponse.status(), 200, await callsResponse.text());
    const callsPage = await callsResponse.json();
    assert.equal(new URL(callsResponse.url()).searchParams.get('from'), from, 'the explorer keeps the period');
    await page.getByTestId('analytics-calls').waitFor();
    const callRows = page.getByTestId('analytics-call-row');
    await callRows.first().waitFor();
    const shown = await callRows.count();
    assert.equal(shown, callsPage.items.length);
    const explorerText = await page.getByTestId('analytics-calls').innerText();
    assert.match(explorerText, /u_[0-9a-f]{16}/, 'rows show pseudonyms');
    assert.doesNotMatch(explorerText, EMAIL, 'no e-mail in the explorer');
    if (callsPage.next_cursor) {
      const more = page.waitForResponse((r) => isPath('/api/v1/analytics/calls')(r) && new URL(r.url()).searchParams.has('cursor'));
      await page.getByTestId('analytics-calls-more').click();
      assert.equal((await more).status(), 200);
      await page.waitForFunction((n) => document.querySelectorAll('[data-testid="analytics-call-row"]').length > n, shown);
    }

    // One analysed call: pseudonyms, metrics, masked texts; never an e-mail.
    const analysedRows = page.locator('[data-testid="analytics-call-row"][data-analysed="true"]');
    assert.ok((await analysedRows.count()) > 0, 'the explorer lists analysed calls (talk ratio or tone)');
    const analysed = analysedRows.first();
    const callId = await analysed.getAttribute('data-call-id');
    const analyticsLoaded = page.waitForResponse(isPath(`/api/v1/calls/${callId}/analytics`));
    await analysed.click();
    await page.waitForURL(new RegExp(`/analytics/calls/${callId}$`));
    // 409 not_ready while the analysis is still being computed: the page asks again by itself.
    const firstAnswer = (await analyticsLoaded).status();
    assert.ok([200, 409].includes(firstAnswer), `GET /calls/${callId}/analytics: ${firstAnswer}`);
    const callView = page.locator('[data-testid="analytics-call"][data-state="loaded"]');
    await callView.waitFor({ timeout: 60_000 });
    for (const role of ['buyer', 'seller']) {
      const p = (await callView.locator(`[data-testid="analytics-pseudonym"][data-role="${role}"]`).textContent()).trim();
      assert.match(p, PSEUDONYM, `the ${role} is a pseudonym`);
    }
    await callView.getByTestId('call-metrics').waitFor();
    assert.doesNotMatch(await callView.innerText(), EMAIL, 'no e-mail on the call page');
    await callView.getByTestId('analytics-call-back').click();
    await page.getByTestId('analytics-calls').waitFor();

    // Contact exchange: the explorer filters by the flag. The seed's dishonest sellers say "text
    // me on WhatsApp, my number is …" (digits as words): of the listed calls (first page, read
    // through the API with the analyst's cookie), one must show that number as [phone], and it is
    // opened in the UI; none may show a number or an e-mail in the clear. Other listed calls may
    // be flagged for other words ("your phone" about a phone for sale), hence the search. Only
    // when the period has no contact_exchange call at all is the check skipped.
    const filtered = page.waitForResponse(
      (r) => isPath('/api/v1/analytics/calls')(r) && new URL(r.url()).searchParams.get('category') === 'contact_exchange',
    );
    await page.getByTestId('analytics-category').selectOption('contact_exchange');
    const flaggedPage = await (await filtered).json();
    await page.locator('[data-testid="analytics-calls"][data-state="loaded"]').waitFor();
    if (flaggedPage.items.length === 0) {
      t.diagnostic('no contact_exchange call in the seeded period: the [phone] check is skipped');
    } else {
      const rowsFlagged = page.getByTestId('analytics-call-row');
      assert.equal(await rowsFlagged.count(), flaggedPage.items.length);
      for (const flags of await rowsFlagged.evaluateAll((trs) => trs.map((tr) => tr.dataset.flags))) {
        assert.ok(flags.split(' ').includes('contact_exchange'), `a filtered row has the flag: ${flags}`);
      }
      let withPhone = null;
      for (const c of flaggedPage.items) {
        const r = await page.request.get(`/api/v1/calls/${c.call_id}/analytics`);
        if (r.status() === 409) continue; // not analysed yet
        assert.equal(r.status(), 200, `GET /calls/${c.call_id}/analytics: ${await r.text()}`);
        const a = await r.json();
        const texts = [...(a.flags ?? []).map((f) => f.text), ...(a.utterances ?? []).map((u) => u.text)].join('\n');
        assert.doesNotMatch(texts, DIGIT_RUN, `call ${c.call_id}: no phone number in the clear`);
        assert.doesNotMatch(texts, SPOKEN_RUN, `call ${c.call_id}: no phone number said in words in the clear`);
        assert.doesNotMatch(texts, EMAIL, `call ${c.call_id}: no e-mail in the clear`);
        if (!withPhone && (a.utterances ?? []).some((u) => u.text.includes('[phone]'))) withPhone = c.call_id;
      }
      assert.ok(withPhone, `one of the ${flaggedPage.items.length} contact_exchange calls shows a phone number as [phone]`);
      const loaded = page.waitForResponse(isPath(`/api/v1/calls/${withPhone}/analytics`));
      await page.locator(`[data-testid="analytics-call-row"][data-call-id="${withPhone}"]`).click();
      assert.equal((await loaded).status(), 200);
      const view = page.locator('[data-testid="analytics-call"][data-state="loaded"]');
      await view.waitFor();
      await view.locator('[data-testid="analytics-flag"][data-category="contact_exchange"]').first().waitFor();
      const said = (await view.getByTestId('analytics-utterance-text').allTextContents()).join('\n');
      assert.match(said, /\[phone\]/, `the call page shows the masked number: ${said.slice(0, 400)}`);
      t.diagnostic(`call ${withPhone}: the phone number shows as [phone]`);
    }

    // The export of the period: calls as CSV, pseudonyms only, no ids but call_id.
    await page.goto(`/analytics?from=${from}&to=${to}`);
    const exportBox = page.getByTestId('analytics-export');
    await exportBox.getByTestId('analytics-export-kind').selectOption('calls');
    await exportBox.getByTestId('analytics-export-format').selectOption('csv');
    const link = exportBox.getByTestId('analytics-export-link');
    const href = new URL(await link.getAttribute('href'), baseURL);
    assert.equal(href.pathname, '/api/v1/analytics/export');
    assert.deepEqual(
      ['kind', 'format', 'from', 'to'].map((k) => href.searchParams.get(k)),
      ['calls', 'csv', from, to],
      `export link: ${href}`,
    );
    const exported = await downloadText(page, () => link.click());
    const table2 = parseCsv(exported.text).filter((r) => !(r.length === 1 && r[0] === ''));
    const [header, ...data] = table2;
    assert.ok(header?.includes('call_id'), `export header: ${header}`);
    const idColumns = header.filter((c) => c !== 'call_id' && /(^|_)ids?$/.test(c));
    assert.deepEqual(idColumns, [], 'no id column but call_id');
    assert.ok(data.length > 0, 'the export has rows');
    assert.ok(data.every((r) => r.length === header.length), 'every row has every column');
    const withAt = data.flat().filter((c) => c.includes('@'));
    assert.deepEqual(withAt.slice(0, 3), [], 'no cell holds an e-mail');
    for (const col of ['buyer', 'seller']) {
      const i = header.indexOf(col);
      if (i >= 0) assert.ok(data.every((r) => PSEUDONYM.test(r[i])), `${col} is a pseudonym in every row`);
    }
    t.diagnostic(`export ${exported.name}: ${data.length} rows, columns ${header.join(',')}`);

    // A phone-sized screen: the charts shrink, tables scroll inside their boxes.
    phone = await ctx.newPage();
    phoneLines = captureConsole(phone, 'phone');
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(`/analytics?from=${from}&to=${to}`);
    await chartsDrawn(phone, 5);
    await assertNoHorizontalOverflow(phone, '/analytics');
    const widest = await phone.$$eval('[data-testid="analytics-chart"] canvas', (cs) =>
      Math.max(...cs.map((c) => c.getBoundingClientRect().right)),
    );
    assert.ok(widest <= 390, `charts fit the screen: right edge at ${widest}`);
    await phone.locator('[data-testid="analytics-chart"][data-chart="calls_per_day"]').getByTestId('chart-view-toggle').click();
    await phone.getByTestId('chart-table').waitFor();
    await assertNoHorizontalOverflow(phone, '/analytics with a table');
    await phone.goto(`/analytics/calls?from=${from}&to=${to}`);
    await phone.getByTestId('analytics-call-row').first().waitFor();
    await assertNoHorizontalOverflow(phone, '/analytics/calls');
  } catch (e) {
    await screenshotAll({ analyst: page, phone }, 'analytics');
    console.error([...lines, ...phoneLines].join('\n'));
    throw e;
  } finally {
    await ctx.close();
  }
});

test('a buyer has no analytics: no link, no access, 403 from the API', { timeout: 60_000 }, async () => {
  await seedDemo();
  const { baseURL } = env.server;
  const ctx = await newContext(env.browser, baseURL);
  const page = await ctx.newPage();
  const lines = captureConsole(page, 'buyer');
  try {
    await loginViaUI(page, buyer);
    assert.equal(await page.getByTestId('nav-analytics').count(), 0, 'no Analytics link for a buyer');
    await page.goto('/analytics');
    await page.getByTestId('analytics-no-access').waitFor();
    assert.equal(await page.getByTestId('analytics-dashboard').count(), 0);
    await page.goto('/analytics/calls');
    await page.getByTestId('analytics-no-access').waitFor();

    // The same requests the analyst's pages make, with the buyer's session cookie.
    const to = new Date().toISOString().slice(0, 10);
    const from = new Date(Date.now() - 29 * 86_400_000).toISOString().slice(0, 10);
    for (const path of [
      `/api/v1/analytics/dashboard?from=${from}&to=${to}`,
      `/api/v1/analytics/calls?from=${from}&to=${to}`,
      `/api/v1/analytics/export?kind=calls&format=csv&from=${from}&to=${to}`,
    ]) {
      const r = await page.request.get(path);
      assert.equal(r.status(), 403, `${path} as a buyer: ${r.status()} ${await r.text()}`);
      if (path.includes('/dashboard')) assert.equal((await r.json()).error?.code, 'forbidden');
    }
  } catch (e) {
    await screenshotAll({ buyer: page }, 'analytics-buyer');
    console.error(lines.join('\n'));
    throw e;
  } finally {
    await ctx.close();
  }
});
