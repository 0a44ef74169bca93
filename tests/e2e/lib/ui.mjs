// Reusable UI steps for Vitrina browser tests. Every step waits on something the
// UI shows (Playwright auto-waiting), never on a fixed delay.

import assert from 'node:assert/strict';

let counter = 0;

/** A unique, valid user for this run. */
export function makeUser(role) {
  counter += 1;
  const tag = `${Date.now().toString(36)}${process.pid.toString(36)}${counter}`;
  return {
    email: `${role}-${tag}@example.test`,
    password: `pw-${tag}-secret`,
    name: `${role[0].toUpperCase()}${role.slice(1)} ${tag.slice(-5)}`,
  };
}

/** Registers through /register and waits until the header shows the new user. */
export async function registerViaUI(page, user) {
  await page.goto('/register');
  await page.getByTestId('register-name').fill(user.name);
  await page.getByTestId('register-email').fill(user.email);
  await page.getByTestId('register-password').fill(user.password);
  await page.getByTestId('register-submit').click();
  await page.getByTestId('nav-logout').waitFor();
  const shown = await page.getByTestId('nav-user-name').textContent();
  assert.equal(shown?.trim(), user.name, 'header shows the registered user name');
}

/** Logs in through /login and waits until the header shows the user. */
export async function loginViaUI(page, user) {
  await page.goto('/login');
  await page.getByTestId('login-email').fill(user.email);
  await page.getByTestId('login-password').fill(user.password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('nav-logout').waitFor();
}

/**
 * Creates a listing through My listings → New listing; returns its id.
 * `hours` rows are added after any rows already present.
 * @param {import('playwright-core').Page} page
 * @param {{title: string, description: string, price: number, vertical: string,
 *          videoCallReady?: boolean, timezone?: string,
 *          hours?: {day: string, from: string, to: string}[]}} l
 */
export async function createListingViaUI(page, l) {
  await openNewListingEditor(page);
  return fillAndSaveListing(page, l);
}

/** My listings → New listing. */
export async function openNewListingEditor(page) {
  await page.getByTestId('nav-my-listings').click();
  await page.getByTestId('new-listing').click();
  await page.waitForURL('**/listings/new');
  await page.getByTestId('listing-title').waitFor();
}

/** Fills the open listing editor, saves, waits for the listing page; returns the id. */
export async function fillAndSaveListing(page, l) {
  await page.getByTestId('listing-title').fill(l.title);
  await page.getByTestId('listing-description').fill(l.description);
  await page.getByTestId('listing-price').fill(String(l.price));
  await page.getByTestId('listing-vertical').selectOption(l.vertical);
  if (l.videoCallReady) await page.getByTestId('listing-video-call-ready').check();
  if (l.timezone) await page.getByTestId('listing-timezone').fill(l.timezone);
  const existing = await page.getByTestId('call-hours-row').count();
  for (const [i, h] of (l.hours ?? []).entries()) {
    await page.getByTestId('call-hours-add').click();
    const row = page.getByTestId('call-hours-row').nth(existing + i);
    await row.getByTestId('call-hours-day').selectOption(h.day);
    await row.getByTestId('call-hours-from').fill(h.from);
    await row.getByTestId('call-hours-to').fill(h.to);
  }
  await page.getByTestId('listing-save').click();
  // The editor itself lives at /listings/new, so wait for a different /listings/{id}.
  await page.waitForURL((url) => /^\/listings\/[^/]+$/.test(url.pathname) && url.pathname !== '/listings/new');
  const id = decodeURIComponent(new URL(page.url()).pathname.split('/').pop() ?? '');
  assert.ok(id && id !== 'new', `navigated to the saved listing, got ${page.url()}`);
  await page.getByTestId('listing-view-title').filter({ hasText: l.title }).waitFor();
  return id;
}

/** Waits until the tab's realtime WebSocket is connected (<html data-ws="open">). */
export async function waitForRealtime(page) {
  await page.locator('html[data-ws="open"]').waitFor({ state: 'attached' });
}

/** The id in a /conversations/{id} URL. */
export function conversationIdFromUrl(url) {
  const m = new URL(url).pathname.match(/^\/conversations\/([^/]+)$/);
  assert.ok(m, `expected a /conversations/{id} URL, got ${url}`);
  return decodeURIComponent(m[1]);
}

// --- calls -------------------------------------------------------------------------------

const isPost = (r, re) => r.request().method() === 'POST' && re.test(new URL(r.url()).pathname);
const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** On the conversation page: clicks propose-call ("call now"); returns the new call's id. */
export async function proposeCallViaUI(page) {
  const created = page.waitForResponse((r) => isPost(r, /^\/api\/v1\/conversations\/[^/]+\/calls$/));
  await page.getByTestId('propose-call').click();
  const res = await created;
  assert.equal(res.status(), 201, `propose call: ${res.status()} ${await res.text()}`);
  const call = await res.json();
  assert.equal(call.state, 'proposed');
  return String(call.id);
}

/** On the conversation page: clicks accept-call and waits for the server to accept. */
export async function acceptCallViaUI(page, callId) {
  const re = new RegExp(`^/api/v1/calls/${escapeRe(encodeURIComponent(callId))}/accept$`);
  const accepted = page.waitForResponse((r) => isPost(r, re));
  await page.getByTestId('accept-call').click();
  const res = await accepted;
  assert.equal(res.status(), 200, `accept call: ${res.status()} ${await res.text()}`);
}

/**
 * From the conversation page: open-call → /calls/{id}, the recording notice
 * (recording-consent; ticked if it is a checkbox), join-call. Returns Date.now() when
 * the server answered the join.
 */
export async function joinCallViaUI(page, callId) {
  await page.locator(`[data-testid="open-call"][data-call-id="${callId}"]`).first().click();
  await page.waitForURL(`**/calls/${encodeURIComponent(callId)}`);
  const consent = page.getByTestId('recording-consent');
  await consent.waitFor();
  if (await consent.evaluate((el) => el instanceof HTMLInputElement && el.type === 'checkbox')) {
    await consent.check();
  }
  const re = new RegExp(`^/api/v1/calls/${escapeRe(encodeURIComponent(callId))}/join$`);
  const joined = page.waitForResponse((r) => isPost(r, re));
  await page.getByTestId('join-call').click();
  const res = await joined;
  assert.equal(res.status(), 200, `join call: ${res.status()} ${await res.text()}`);
  return Date.now();
}

/**
 * Waits until the call page's call-state reads `state`; fails at once if it reads
 * `failed` instead (unless that is the state wanted).
 */
export async function waitForCallState(page, state, timeout = 15_000) {
  const handle = await page.waitForFunction(
    (wanted) => {
      const text = document.querySelector('[data-testid="call-state"]')?.textContent?.trim();
      if (text === wanted) return text;
      if (text === 'failed') return text;
      return false;
    },
    state,
    { timeout },
  );
  const seen = await handle.jsonValue();
  assert.equal(seen, state, `call-state: expected ${state}, got ${seen}`);
}

/**
 * From now on, records every text the page's call-state shows (in order, without
 * repeats) in window.__vitrinaCallStates, so a short-lived state such as `reconnecting`
 * cannot slip between two polls. Call it on the call page; calling again is harmless.
 */
export async function recordCallStates(page) {
  await page.evaluate(() => {
    if (window.__vitrinaCallStates) return;
    const seen = [];
    window.__vitrinaCallStates = seen;
    const read = () => {
      const text = document.querySelector('[data-testid="call-state"]')?.textContent?.trim();
      if (text && seen[seen.length - 1] !== text) seen.push(text);
    };
    read();
    new MutationObserver(read).observe(document.documentElement, {
      subtree: true,
      childList: true,
      characterData: true,
    });
  });
}

/** The call-state texts recorded by recordCallStates (oldest first). */
export async function callStatesSeen(page) {
  return page.evaluate(() => [...(window.__vitrinaCallStates ?? [])]);
}

/**
 * Waits until recordCallStates has seen `state` at index `since` or later; fails at once
 * if `failed` was seen there instead. Returns the states seen.
 */
export async function waitForCallStateSeen(page, state, { since = 0, timeout = 15_000 } = {}) {
  const handle = await page.waitForFunction(
    ([wanted, from]) => {
      const seen = (window.__vitrinaCallStates ?? []).slice(from);
      if (seen.includes(wanted) || seen.includes('failed')) return seen;
      return false;
    },
    [state, since],
    { timeout },
  );
  const seen = await handle.jsonValue();
  assert.ok(
    seen.includes(state) && (state === 'failed' || !seen.includes('failed')),
    `call-state: expected to see ${state}, saw ${seen.join(' → ')}`,
  );
  return seen;
}

/**
 * The whole way into a call through the UI, for a buyer and a seller already signed in
 * (pages on any page of the site): the buyer opens the listing, contacts the seller and
 * writes; the seller opens the conversation; the buyer proposes a call now, the seller
 * accepts, both read the recording notice and join (buyer first). Returns
 * {callId, conversationId, joinedAt: {buyer, seller}} (Date.now() when each join answered).
 * Does not wait for `connected`.
 * @param {{buyer: import('playwright-core').Page, seller: import('playwright-core').Page,
 *          listingId: string, title: string, question?: string}} o
 */
export async function startCallViaUI({ buyer, seller, listingId, title, question }) {
  await buyer.goto(`/listings/${encodeURIComponent(listingId)}`);
  await buyer.getByTestId('listing-view-title').filter({ hasText: title }).waitFor();
  await buyer.getByTestId('contact-seller').click();
  await buyer.waitForURL(/\/conversations\/[^/]+$/);
  const conversationId = conversationIdFromUrl(buyer.url());
  await waitForRealtime(buyer);
  const text = question ?? 'Hello! Can you show it to me on a video call now?';
  await buyer.getByTestId('message-input').fill(text);
  await buyer.getByTestId('message-send').click();
  await buyer.getByTestId('message-item').filter({ hasText: text }).waitFor();

  await seller.goto(`/conversations/${encodeURIComponent(conversationId)}`);
  await seller.getByTestId('message-item').filter({ hasText: text }).first().waitFor();
  await waitForRealtime(seller);
  const callId = await proposeCallViaUI(buyer);
  await acceptCallViaUI(seller, callId);

  const joinedAt = {};
  joinedAt.buyer = await joinCallViaUI(buyer, callId);
  joinedAt.seller = await joinCallViaUI(seller, callId);
  return { callId, conversationId, joinedAt };
}
