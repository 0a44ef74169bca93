// Browser end-to-end on two server processes sharing one PostgreSQL database (docs/postgres.md):
// the seller's browser talks to node A, the buyer's to node B, and their chat still arrives
// live over each one's WebSocket (LISTEN/NOTIFY carries events between the processes). The
// PostgreSQL cluster is a throwaway one the test starts (scripts/pg-test-cluster).
//
// Run: VITRINA_BIN=build/asan/src/app/vitrina VITRINA_WEB_DIST=web/dist \
//      node --test tests/e2e/nodes.test.mjs

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';

import { captureConsole, launchBrowser, newContext, screenshotAll } from './lib/browser.mjs';
import { startServer } from './lib/server.mjs';
import {
  conversationIdFromUrl,
  createListingViaUI,
  makeUser,
  registerViaUI,
  waitForRealtime,
} from './lib/ui.mjs';

const run = promisify(execFile);
const CLUSTER = path.resolve('scripts/pg-test-cluster');

const env = { state: undefined, url: undefined, a: undefined, b: undefined, browser: undefined };

before(async () => {
  env.state = await mkdtemp(path.join(os.tmpdir(), 'vitrina-e2e-pg-'));
  await run(CLUSTER, ['start', env.state]);
  env.url = (await readFile(path.join(env.state, 'url'), 'utf8')).trim();
  const db = { VITRINA_DB_DRIVER: 'postgres', VITRINA_DB_URL: env.url };
  // Both migrate on start, under PostgreSQL's advisory lock: started together on purpose.
  [env.a, env.b] = await Promise.all([startServer({ env: db }), startServer({ env: db })]);
  env.browser = await launchBrowser();
});

after(async () => {
  await env.browser?.close();
  for (const node of [env.a, env.b]) {
    if (!node) continue;
    const exit = await node.stop();
    assert.equal(exit?.code, 0, `server exit after SIGTERM: ${JSON.stringify(exit)}`);
  }
  if (env.state) {
    await run(CLUSTER, ['stop', env.state]).catch(() => {});
    await rm(env.state, { recursive: true, force: true });
  }
});

test('a seller on node A and a buyer on node B chat live', { timeout: 90_000 }, async (t) => {
  const sellerCtx = await newContext(env.browser, env.a.baseURL);
  const buyerCtx = await newContext(env.browser, env.b.baseURL);
  const seller = await sellerCtx.newPage();
  const buyer = await buyerCtx.newPage();
  const consoles = [captureConsole(seller, 'seller'), captureConsole(buyer, 'buyer')];
  try {
    const sellerUser = makeUser('seller');
    await registerViaUI(seller, sellerUser);
    const title = `Two-node camera ${Date.now().toString(36)}`;
    const listingId = await createListingViaUI(seller, {
      title,
      description: 'Listed through node A',
      price: 4200,
      vertical: 'goods',
      videoCallReady: true,
    });

    // The buyer, on node B, sees what node A wrote (one database) and contacts the seller.
    const buyerUser = makeUser('buyer');
    await registerViaUI(buyer, buyerUser);
    await buyer.goto(`/listings/${encodeURIComponent(listingId)}`);
    await buyer.getByTestId('listing-view-title').filter({ hasText: title }).waitFor();
    await buyer.getByTestId('contact-seller').click();
    await buyer.waitForURL(/\/conversations\/[^/]+$/);
    const conversationId = conversationIdFromUrl(buyer.url());
    await buyer.getByTestId('message-list').waitFor();

    await seller.getByTestId('nav-conversations').click();
    const item = seller.locator(`[data-testid="conversation-item"][data-conversation-id="${conversationId}"]`);
    await item.waitFor();
    await item.click();
    await seller.getByTestId('message-list').waitFor();
    await waitForRealtime(seller);
    await waitForRealtime(buyer);
    await seller.evaluate(() => {
      window.__vitrinaNoReload = true;
    });

    // Buyer (node B) writes; the seller's socket is held by node A.
    const question = 'Привет! Можно посмотреть камеру по видео сегодня?';
    await buyer.getByTestId('message-input').fill(question);
    await buyer.getByTestId('message-send').click();
    const sellerSees = seller.getByTestId('message-item').filter({ hasText: question });
    await sellerSees.waitFor();
    assert.equal(await sellerSees.getAttribute('data-own'), 'false');
    assert.equal(await seller.evaluate(() => window.__vitrinaNoReload === true), true, 'no reload on node A');

    // And back: seller (node A) answers; the buyer's socket on node B gets it.
    const answer = 'Да, в любое время — звоните.';
    await seller.getByTestId('message-input').fill(answer);
    await seller.getByTestId('message-send').click();
    await buyer.getByTestId('message-item').filter({ hasText: answer }).waitFor();

    // Each node served its own side: the relay counted events on both.
    for (const node of [env.a, env.b]) {
      const metrics = await (await fetch(`${node.baseURL}/metrics`)).text();
      assert.match(metrics, /vitrina_live_relay_total\{result="delivered"\} [1-9]/, `${node.baseURL} delivered relayed events`);
    }
  } catch (err) {
    const shots = await screenshotAll({ seller, buyer }, 'nodes');
    t.diagnostic(`screenshots: ${shots.join(', ')}`);
    for (const lines of consoles) for (const line of lines) t.diagnostic(line);
    t.diagnostic(`node A log:\n${env.a.logs()}`);
    t.diagnostic(`node B log:\n${env.b.logs()}`);
    throw err;
  } finally {
    await sellerCtx.close();
    await buyerCtx.close();
  }
});
