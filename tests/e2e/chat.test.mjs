// Browser end-to-end: a seller lists an item as video-call ready, a buyer finds it
// through the video-call filter, contacts the seller, and the two chat live over
// the WebSocket (no reloads).
//
// Run: VITRINA_BIN=build/release/src/app/vitrina VITRINA_WEB_DIST=web/dist \
//      node --test tests/e2e/chat.test.mjs

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { captureConsole, newContext, screenshotAll } from './lib/browser.mjs';
import { useServerAndBrowser } from './lib/suite.mjs';
import {
  conversationIdFromUrl,
  fillAndSaveListing,
  makeUser,
  openNewListingEditor,
  registerViaUI,
  waitForRealtime,
} from './lib/ui.mjs';

const env = useServerAndBrowser();

test('seller lists a video-call-ready item, buyer finds it and they chat live', { timeout: 60_000 }, async (t) => {
  const sellerCtx = await newContext(env.browser, env.server.baseURL);
  const buyerCtx = await newContext(env.browser, env.server.baseURL);
  const seller = await sellerCtx.newPage();
  const buyer = await buyerCtx.newPage();
  const sellerConsole = captureConsole(seller, 'seller');
  const buyerConsole = captureConsole(buyer, 'buyer');

  try {
    // --- the seller registers and lists an item, ready for video calls at any time ---
    const sellerUser = makeUser('seller');
    await registerViaUI(seller, sellerUser);

    const title = `Film camera Zenit-E ${Date.now().toString(36)}`;
    await openNewListingEditor(seller);
    // The time zone defaults to the browser's.
    assert.equal(await seller.getByTestId('listing-timezone').inputValue(), 'Europe/Moscow');
    // Exercise the call-hours editor: add a row, then remove it (no rows = any time).
    await seller.getByTestId('call-hours-add').click();
    await seller.getByTestId('call-hours-row').first().waitFor();
    await seller.getByTestId('call-hours-remove').first().click();
    await seller.getByTestId('call-hours-row').first().waitFor({ state: 'detached' });
    const listingId = await fillAndSaveListing(seller, {
      title,
      description: 'Working condition, Helios-44 lens included.\nCan show it on video.',
      price: 7500,
      vertical: 'goods',
      videoCallReady: true,
    });

    // The seller's own listing page: badge and call hours, edit link, no "contact".
    await seller.getByTestId('video-call-badge').waitFor();
    await seller.getByTestId('call-hours-any').waitFor();
    await seller.getByTestId('edit-listing').waitFor();
    assert.equal(await seller.getByTestId('contact-seller').count(), 0, 'no contact button for the seller');

    // --- the buyer registers and finds the listing in the feed ---
    const buyerUser = makeUser('buyer');
    await registerViaUI(buyer, buyerUser);
    await buyer.getByTestId('nav-feed').click();
    const card = buyer.locator(`[data-testid="listing-card"][data-listing-id="${listingId}"]`);
    await card.waitFor();
    await card.getByTestId('video-call-badge').waitFor();
    // Ready with no hours means "any time", so it is available right now.
    assert.equal(await card.getByTestId('video-call-badge').getAttribute('data-available-now'), 'true');

    // The video-call filter asks the server for video_call_ready=true and still shows it.
    const filtered = buyer.waitForResponse(
      (r) => r.url().includes('/api/v1/listings?') && r.url().includes('video_call_ready=true') && r.ok(),
    );
    await buyer.getByTestId('filter-video-call').check();
    await filtered;
    await buyer.locator('[data-testid="listing-grid"][data-loading="false"]').waitFor();
    await card.getByTestId('video-call-badge').waitFor();

    // "Seller takes calls now" asks for available_now=true; the any-time listing stays.
    const now = buyer.waitForResponse(
      (r) => r.url().includes('/api/v1/listings?') && r.url().includes('available_now=true') && r.ok(),
    );
    await buyer.getByTestId('filter-available-now').check();
    await now;
    await buyer.locator('[data-testid="listing-grid"][data-loading="false"]').waitFor();
    await card.getByTestId('video-call-badge').waitFor();

    // Open it and contact the seller.
    await card.click();
    await buyer.waitForURL(`**/listings/${encodeURIComponent(listingId)}`);
    await buyer.getByTestId('listing-view-title').filter({ hasText: title }).waitFor();
    assert.equal(await buyer.getByTestId('edit-listing').count(), 0, 'no edit link for a buyer');
    await buyer.getByTestId('contact-seller').click();
    await buyer.waitForURL(/\/conversations\/[^/]+$/);
    const conversationId = conversationIdFromUrl(buyer.url());
    await buyer.getByTestId('message-list').waitFor();

    // --- the seller opens the conversation before the buyer writes ---
    await seller.getByTestId('nav-conversations').click();
    const item = seller.locator(`[data-testid="conversation-item"][data-conversation-id="${conversationId}"]`);
    await item.waitFor();
    assert.match((await item.textContent()) ?? '', new RegExp(title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    assert.match((await item.textContent()) ?? '', new RegExp(buyerUser.name));
    await item.click();
    await seller.waitForURL(`**/conversations/${encodeURIComponent(conversationId)}`);
    await seller.getByTestId('message-list').waitFor();
    await waitForRealtime(seller);
    await waitForRealtime(buyer);
    // A marker that a reload or a full navigation would wipe out.
    await seller.evaluate(() => {
      window.__vitrinaNoReload = true;
    });

    // --- the buyer writes (Enter sends); the seller sees it live ---
    const question = 'Hello! Is the camera still available? Could you show it on video?';
    await buyer.getByTestId('message-input').fill(question);
    await buyer.getByTestId('message-input').press('Enter');
    const buyerOwn = buyer.getByTestId('message-item').filter({ hasText: question });
    await buyerOwn.waitFor();
    assert.equal(await buyerOwn.getAttribute('data-own'), 'true');
    assert.equal(await buyer.getByTestId('message-input').inputValue(), '', 'input cleared after sending');

    const sellerSees = seller.getByTestId('message-item').filter({ hasText: question });
    await sellerSees.waitFor();
    assert.equal(await sellerSees.getAttribute('data-own'), 'false', "buyer's message is styled as the other party's");
    assert.equal(await seller.evaluate(() => window.__vitrinaNoReload === true), true, 'seller page was not reloaded');

    // --- the seller answers with the button; the buyer sees it live ---
    const answer = 'Yes, it is. I can show it today — any time.';
    await seller.getByTestId('message-input').fill(answer);
    await seller.getByTestId('message-send').click();
    await seller.getByTestId('message-item').filter({ hasText: answer }).waitFor();
    const buyerSees = buyer.getByTestId('message-item').filter({ hasText: answer });
    await buyerSees.waitFor();
    assert.equal(await buyerSees.getAttribute('data-own'), 'false');

    // --- unread: the seller goes back to the list, the buyer writes again ---
    await seller.getByTestId('nav-conversations').click();
    await item.waitFor();
    const followUp = 'Great, I will call you in ten minutes.';
    await buyer.getByTestId('message-input').fill(followUp);
    await buyer.getByTestId('message-send').click();
    await buyer.getByTestId('message-item').filter({ hasText: followUp }).waitFor();
    await item.getByTestId('conversation-unread').filter({ hasText: /^1$/ }).waitFor();
    await item.getByTestId('conversation-last-message').filter({ hasText: followUp }).waitFor();
    await seller.getByTestId('nav-unread').filter({ hasText: /^1$/ }).waitFor();

    // Opening the conversation marks it read and clears the badge.
    await item.click();
    await seller.getByTestId('message-item').filter({ hasText: followUp }).waitFor();
    await seller.getByTestId('nav-unread').waitFor({ state: 'detached' });
    assert.equal(await seller.evaluate(() => window.__vitrinaNoReload === true), true, 'still no reload');
  } catch (err) {
    const shots = await screenshotAll({ seller, buyer }, 'chat');
    t.diagnostic(`screenshots: ${shots.join(', ') || '(none)'}`);
    for (const line of [...sellerConsole, ...buyerConsole]) t.diagnostic(line);
    t.diagnostic('server log (tail):');
    for (const line of env.server.logs().split('\n').slice(-60)) t.diagnostic(line);
    throw err;
  } finally {
    await sellerCtx.close();
    await buyerCtx.close();
  }
});
