// Browser end-to-end: a buyer and a seller agree in the chat on a video call, talk for
// 25 s through Janus (real WebRTC, Chromium's fake camera, flite speech as the
// microphone) — and while they talk, the live path (docs/live.md): the seller's prepayment
// request makes the buyer's page show the live warning (never the seller's), both pages show
// captions with the other side's words, and the buyer answers "not a scam" — hang up, and the
// server turns the call into a recording: per-participant
// audio and muxed files plus a combined WebM that a moderator can stream with Range.
// The buyer's recorded audio is run through speech recognition: it must hold the buyer's
// words and not the seller's. Then the server's own transcription follows by itself: both
// pages show the transcript, a word the seller said is found by search as a seller hit within
// 1.5 s of when it was said (measured from the audio), never as the buyer's, and a moderator
// searches in the UI and lands on the recording at that moment.
//
// Then the moderation story on that same call and transcript: the seller's sentence ends with
// "and I need a prepayment to my card". The buyer files a complaint in the browser pointing at
// one of those moments (measured from the audio) with that quote; a moderator takes the next
// case (priority 1), finds the complained-about lines flagged and the player at the moment,
// searches "prepayment", jumps to a hit, and bans the seller with the evidence and a reward for
// the buyer. The seller's call attempts are refused with user_blocked and the seller's page
// shows the blocked notice; the buyer's header shows the new notification (pushed live) and
// /notifications the reward. The seller appeals on the blocked page; the first moderator gets no
// case (the appeal is not theirs to judge), a second one takes it and overturns it in the UI,
// and the seller's account works again. Finally `vitrina audit verify` passes on the server's
// data directory, an admin sees the case, appeal and recording entries, and an edited entry
// makes verify fail.
//
// Must run inside a private network namespace (Janus offers no loopback candidates):
//   VITRINA_BIN=build/release/src/app/vitrina VITRINA_WEB_DIST=web/dist \
//     tests/e2e/run-in-netns node --test tests/e2e/call.test.mjs

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';

import { SPEECH, hashFiles, reportCallFailure, sleep, useCallSuite } from './lib/call_suite.mjs';
import { captureConsole, newContext } from './lib/browser.mjs';
import {
  ffprobeDuration,
  ffprobeStreams,
  speechOnsets,
  statsSummary,
  transcribe,
  wordOffsetInUtterance,
  wordSpansInUtterance,
  wordsOf,
} from './lib/media.mjs';
import { apiRequest, loginViaAPI, pollCall, registerViaAPI } from './lib/server.mjs';
import {
  acceptCallViaUI,
  conversationIdFromUrl,
  joinCallViaUI,
  loginViaUI,
  makeUser,
  proposeCallViaUI,
  waitForCallState,
  waitForRealtime,
} from './lib/ui.mjs';

const TALK_MS = 25_000; // deliberate: the call itself
const CONNECT_TIMEOUT_MS = 45_000;
const RECORDING_TIMEOUT_MS = 120_000;
const TRANSCRIPT_TIMEOUT_MS = 180_000;
const DURATION_TOLERANCE_S = 2;

const env = useCallSuite('call.test.mjs');
const run = promisify(execFile);

const near = (actualS, expectedS, what) =>
  assert.ok(
    Math.abs(actualS - expectedS) <= DURATION_TOLERANCE_S,
    `${what}: ${actualS.toFixed(2)} s, expected ${expectedS.toFixed(2)} ± ${DURATION_TOLERANCE_S} s`,
  );

test('buyer and seller agree on a call in the chat, talk, the call is recorded, and a complaint about it is moderated and appealed', { timeout: 600_000 }, async (t) => {
  const { baseURL } = env.server;
  const buyerCtx = await newContext(env.browsers.buyer, baseURL);
  const sellerCtx = await newContext(env.browsers.seller, baseURL);
  const buyer = await buyerCtx.newPage();
  const seller = await sellerCtx.newPage();
  const logs = [...captureConsole(buyer, 'buyer'), ...captureConsole(seller, 'seller')];
  const pages = { buyer, seller };
  const contexts = [buyerCtx, sellerCtx];
  let lastCall;

  try {
    // --- seed: a seller with a listing ready for calls at any time, a buyer, a moderator ---
    const sellerUser = await registerViaAPI(baseURL, makeUser('seller'));
    const buyerUser = await registerViaAPI(baseURL, makeUser('buyer'));
    const moderator = makeUser('moderator');
    await env.server.addUser(moderator, 'moderator');
    const modLogin = await apiRequest(baseURL, 'POST', '/api/v1/auth/login', {
      body: { email: moderator.email, password: moderator.password },
    });
    assert.equal(modLogin.status, 200, `moderator login: ${modLogin.text}`);
    const modToken = modLogin.json.token;

    const title = `Laptop for a video call ${Date.now().toString(36)}`;
    const listing = await apiRequest(baseURL, 'POST', '/api/v1/listings', {
      token: sellerUser.token,
      body: { title, description: 'Can show it on video.', price: 42000, vertical: 'goods', video_call_ready: true },
    });
    assert.equal(listing.status, 201, `create listing: ${listing.text}`);
    const listingId = String(listing.json.id);
    assert.equal(listing.json.video_call_ready, true);

    // --- the buyer opens the listing, writes, and proposes a call now ---
    await loginViaUI(buyer, buyerUser);
    await buyer.goto(`/listings/${encodeURIComponent(listingId)}`);
    await buyer.getByTestId('listing-view-title').filter({ hasText: title }).waitFor();
    await buyer.getByTestId('contact-seller').click();
    await buyer.waitForURL(/\/conversations\/[^/]+$/);
    const conversationId = conversationIdFromUrl(buyer.url());
    await waitForRealtime(buyer);
    const question = 'Hello! Can you show me the laptop on a video call now?';
    await buyer.getByTestId('message-input').fill(question);
    await buyer.getByTestId('message-send').click();
    await buyer.getByTestId('message-item').filter({ hasText: question }).waitFor();

    // --- the seller opens the conversation (message arrived), the buyer proposes ---
    await loginViaUI(seller, sellerUser);
    await seller.goto(`/conversations/${encodeURIComponent(conversationId)}`);
    await seller.getByTestId('message-item').filter({ hasText: question }).waitFor();
    await waitForRealtime(seller);
    const callId = await proposeCallViaUI(buyer);
    await acceptCallViaUI(seller, callId); // accept-call appears live on the seller's page

    // --- both open the call page, read the recording notice, and join ---
    const joinedAt = {};
    joinedAt.buyer = await joinCallViaUI(buyer, callId);
    joinedAt.seller = await joinCallViaUI(seller, callId);
    await waitForCallState(buyer, 'connected', CONNECT_TIMEOUT_MS);
    await waitForCallState(seller, 'connected', CONNECT_TIMEOUT_MS);
    await buyer.getByTestId('recording-indicator').waitFor();
    await seller.getByTestId('recording-indicator').waitFor();

    // --- talk ---
    const zero = { audio: { bytes: 0, packets: 0 }, video: { bytes: 0, packets: 0, frames: 0 } };
    const atStart = {
      buyer: (await statsSummary(buyer)) ?? zero,
      seller: (await statsSummary(seller)) ?? zero,
    };
    const talkEnds = Date.now() + TALK_MS;

    // --- live (docs/live.md): the seller's speech ends with a prepayment request; the buyer
    // (the party targeted) sees the live warning during the call, the seller never; both see
    // captions holding the other side's words ---
    const warned = Date.now();
    const warning = buyer.getByTestId('live-warning');
    await warning.waitFor({ timeout: TALK_MS + 20_000 });
    t.diagnostic(`live warning on the buyer's page ${Date.now() - warned} ms into the talk: ${await warning.innerText()}`);
    assert.equal(await warning.getAttribute('data-category'), 'prepayment');
    assert.match(await warning.innerText(), /advance|outside the platform/i);
    assert.ok(await warning.getAttribute('data-warning-id'), 'the warning names its live flag');
    await buyer.getByTestId('captions').getByText(/prepayment/i).first().waitFor({ timeout: 10_000 });
    const buyerWords = new RegExp(SPEECH.buyer.keys.join('|'), 'i');
    await seller.getByTestId('captions').getByText(buyerWords).first().waitFor({ timeout: TALK_MS + 20_000 });
    assert.equal(await seller.getByTestId('live-warning').count(), 0, 'the seller is not told');
    // The buyer answers "this is not a scam": feedback for the rule, and the panel closes.
    const answered = buyer.waitForResponse((r) => r.request().method() === 'POST' && /\/live-warnings\/[^/]+\/feedback$/.test(new URL(r.url()).pathname));
    await buyer.getByTestId('live-warning-not-scam').click();
    assert.equal((await answered).status(), 204, 'the answer is stored');
    await warning.waitFor({ state: 'detached' });
    await sleep(Math.max(0, talkEnds - Date.now()));
    for (const role of ['buyer', 'seller']) {
      const now = await statsSummary(pages[role]);
      t.diagnostic(`${role} received: ${JSON.stringify(now)}`);
      assert.ok(now, `${role}: the call page exposes its subscriber PeerConnection`);
      // 25 s of Opus at ~50 packets/s, ~25 kbit/s; VP8 at ~20 fps.
      assert.ok(now.audio.bytes > 40_000, `${role} received the other's audio: ${now.audio.bytes} bytes`);
      assert.ok(now.audio.packets - atStart[role].audio.packets > 500, `${role}: audio packets kept arriving`);
      assert.ok(now.video.frames > 100, `${role} decoded the other's video: ${now.video.frames} frames`);
      assert.ok(now.video.packets > atStart[role].video.packets, `${role}: video packets kept arriving`);
    }

    // --- the buyer hangs up; both pages show the end ---
    const hangupRe = new RegExp(`^/api/v1/calls/${callId}/hangup$`);
    const hungUp = buyer.waitForResponse(
      (r) => r.request().method() === 'POST' && hangupRe.test(new URL(r.url()).pathname),
    );
    await buyer.getByTestId('hang-up').click();
    assert.equal((await hungUp).status(), 200, 'hang-up accepted');
    const hangupAt = Date.now();
    await waitForCallState(buyer, 'ended');
    await waitForCallState(seller, 'ended');

    // --- the recording gets processed ---
    lastCall = await pollCall(baseURL, buyerUser.token, callId, (c) => c.recording?.status === 'ready', RECORDING_TIMEOUT_MS);
    const call = lastCall;
    assert.equal(call.state, 'ended');
    assert.equal(call.end_reason, 'hangup');
    for (const role of ['buyer', 'seller']) {
      assert.ok(call.participants?.[role]?.joined_at, `${role} joined_at is set`);
      assert.ok(call.participants?.[role]?.consent_at, `${role} consent_at is set`);
    }
    assert.ok(!call.recording.files?.length, 'participants do not see the recording files');
    const expected = {
      buyer: (hangupAt - joinedAt.buyer) / 1000,
      seller: (hangupAt - joinedAt.seller) / 1000,
      combined: (hangupAt - Math.min(joinedAt.buyer, joinedAt.seller)) / 1000,
    };
    t.diagnostic(`measured in the call (s): ${JSON.stringify(expected)}`);
    near(call.recording.duration_ms / 1000, expected.combined, 'recording.duration_ms');

    // --- a moderator sees the files; they are on disk, with the right lengths ---
    const asMod = await apiRequest(baseURL, 'GET', `/api/v1/calls/${callId}`, { token: modToken });
    assert.equal(asMod.status, 200, `moderator GET call: ${asMod.text}`);
    const files = asMod.json.recording?.files ?? [];
    t.diagnostic(`recording files: ${JSON.stringify(files)}`);
    const onDisk = await hashFiles(path.join(env.server.dataDir, 'recordings', callId));
    const found = {};
    for (const [participant, kind] of [
      ['buyer', 'audio'],
      ['buyer', 'muxed'],
      ['seller', 'audio'],
      ['seller', 'muxed'],
      ['combined', 'combined'],
    ]) {
      const f = files.find((x) => x.participant === participant && x.kind === kind);
      assert.ok(f, `recording.files has ${participant}/${kind}`);
      assert.ok(f.bytes > 0, `${participant}/${kind} is not empty`);
      near(f.duration_ms / 1000, expected[participant], `${participant}/${kind} duration_ms`);
      const file = onDisk.get(f.sha256);
      assert.ok(file, `${participant}/${kind}: a file with sha256 ${f.sha256} under recordings/${callId}/`);
      near(await ffprobeDuration(file), expected[participant], `${participant}/${kind} file ${path.basename(file)}`);
      const streams = await ffprobeStreams(file);
      const wanted = kind === 'audio' ? ['audio'] : ['audio', 'video'];
      for (const s of wanted) assert.ok(streams.includes(s), `${participant}/${kind} has ${s}: ${streams}`);
      if (kind === 'audio') assert.ok(!streams.includes('video'), `${participant}/audio is audio only`);
      found[`${participant}/${kind}`] = { ...f, file };
    }

    // --- each recorded voice is that participant's, and only theirs ---
    for (const [role, other] of [['buyer', 'seller'], ['seller', 'buyer']]) {
      const text = await transcribe(found[`${role}/audio`].file);
      t.diagnostic(`${role} audio transcript: ${text.replace(/\n/g, ' / ')}`);
      const words = wordsOf(text);
      for (const w of SPEECH[role].keys) assert.ok(words.has(w), `${role}'s recording says "${w}"`);
      for (const w of SPEECH[other].keys) assert.ok(!words.has(w), `${role}'s recording does not say "${w}"`);
    }

    // --- the combined playback file, for moderators only, with Range support ---
    const combined = found['combined/combined'];
    const recPath = `/api/v1/calls/${callId}/recording`;
    const denied = await apiRequest(baseURL, 'GET', recPath, { token: buyerUser.token });
    assert.ok([403, 404].includes(denied.status), `buyer GET recording: ${denied.status}`);
    const full = await apiRequest(baseURL, 'GET', recPath, { token: modToken });
    assert.equal(full.status, 200);
    assert.match(full.headers.get('content-type') ?? '', /^video\/webm/);
    assert.equal(full.bytes.length, combined.bytes, 'full body is the combined file');
    assert.equal(createHash('sha256').update(full.bytes).digest('hex'), combined.sha256);
    const part = await apiRequest(baseURL, 'GET', recPath, { token: modToken, headers: { range: 'bytes=0-99' } });
    assert.equal(part.status, 206, 'Range request answers 206');
    assert.equal(part.bytes.length, 100);
    assert.equal(part.headers.get('content-range'), `bytes 0-99/${combined.bytes}`);
    assert.deepEqual(part.bytes, full.bytes.subarray(0, 100));
    assert.deepEqual([...part.bytes.subarray(0, 4)], [0x1a, 0x45, 0xdf, 0xa3], 'starts with the EBML magic');

    // --- the transcript follows without a manual step, and both pages show it ---
    lastCall = await pollCall(
      baseURL,
      buyerUser.token,
      callId,
      (c) => ['ready', 'failed'].includes(c.transcript?.status),
      TRANSCRIPT_TIMEOUT_MS,
    );
    assert.equal(lastCall.transcript.status, 'ready', `transcript: ${JSON.stringify(lastCall.transcript)}`);
    t.diagnostic(`transcript ready ${((Date.now() - hangupAt) / 1000).toFixed(1)} s after hang-up`);
    for (const [role, page] of Object.entries(pages)) {
      const mine = page.locator(`[data-testid="transcript-segment"][data-speaker="seller"]`).filter({ hasText: 'battery' });
      await mine.first().waitFor({ timeout: 15_000 });
      assert.ok((await mine.count()) > 0, `${role}'s call page shows the seller saying "battery"`);
    }

    // --- search: the seller's word is a seller hit at the moment it was said ---
    const sellerAudio = found['seller/audio'];
    const loopMs = (await ffprobeDuration(env.wavs.seller)) * 1000;
    const onsets = (await speechOnsets(sellerAudio.file)).filter((o) => o > 0);
    const wordAt = await wordOffsetInUtterance(env.wavs.seller, 'battery');
    const said = onsets.flatMap((o) => [o, o - loopMs]).map((o) => sellerAudio.offset_ms + o + wordAt);
    t.diagnostic(`"battery" said at (ms on the call timeline): ${said.map(Math.round).join(', ')}`);
    const search = async (token, query) => {
      const r = await apiRequest(baseURL, 'GET', `/api/v1/search?${query}`, { token });
      assert.equal(r.status, 200, `search ${query}: ${r.text}`);
      return r.json.items;
    };
    const hits = await search(modToken, `q=battery&call_id=${callId}&limit=50`);
    t.diagnostic(`search "battery": ${JSON.stringify(hits.map((h) => [h.speaker, h.start_ms]))}`);
    assert.ok(hits.length >= 2, `the seller's repeated "battery" is found: ${hits.length} hits`);
    for (const h of hits) {
      assert.equal(h.speaker, 'seller', `"battery" is attributed to the seller: ${JSON.stringify(h)}`);
      assert.match(h.snippet, /<mark>battery<\/mark>/i);
      const off = Math.min(...said.map((x) => Math.abs(x - h.start_ms)));
      assert.ok(off <= 1500, `hit at ${h.start_ms} ms is ${off} ms from when "battery" was said`);
    }
    assert.equal((await search(modToken, `q=battery&call_id=${callId}&speaker=buyer`)).length, 0, 'never a buyer hit');
    const cameraHits = await search(modToken, `q=camera&call_id=${callId}`);
    assert.ok(cameraHits.length > 0 && cameraHits.every((h) => h.speaker === 'buyer'), 'the buyer\'s word is the buyer\'s');
    assert.ok((await search(buyerUser.token, 'q=battery')).length > 0, 'the buyer finds it in their own call');
    const stranger = await registerViaAPI(baseURL, makeUser('stranger'));
    assert.equal((await search(stranger.token, 'q=battery')).length, 0, 'a stranger finds nothing');

    // --- a moderator searches in the UI and opens the recording at the hit ---
    const modCtx = await newContext(env.browsers.buyer, baseURL);
    contexts.push(modCtx);
    const mod = await modCtx.newPage();
    logs.push(...captureConsole(mod, 'moderator'));
    pages.moderator = mod;
    await loginViaUI(mod, moderator);
    await mod.goto('/search');
    await mod.getByTestId('search-input').fill('battery');
    await mod.getByTestId('search-submit').click();
    const result = mod.locator(`[data-testid="search-result"][data-call-id="${callId}"]`).first();
    await result.waitFor();
    assert.equal(await result.getAttribute('data-speaker'), 'seller');
    const hitMs = Number(await result.getAttribute('data-start-ms'));
    await result.click();
    await mod.waitForURL(new RegExp(`/calls/${callId}\\?t=${hitMs}$`));
    await mod.getByTestId('recording-player').waitFor();
    await waitForPlayerAt(mod, hitMs, 1000);
    const active = mod.locator('[data-testid="transcript-segment"][data-active="true"]');
    await active.first().waitFor();
    assert.equal(await active.first().getAttribute('data-speaker'), 'seller', 'the hit\'s segment is highlighted');

    // --- the moderation story on this call: complaint, decision, appeal, audit ---
    await moderationStory(t, {
      baseURL,
      pages,
      logs,
      contexts,
      users: { buyer: buyerUser, seller: sellerUser, moderator, modToken },
      callId,
      conversationId,
      listingId,
      call: lastCall,
      combinedSha256: combined.sha256,
      sellerAudio: { ...sellerAudio, onsets, loopMs },
    });
  } catch (err) {
    await reportCallFailure(t, { name: 'call', pages, server: env.server, lastCall, logs });
    throw err;
  } finally {
    for (const c of contexts) await c.close();
  }
});

/** mm:ss, as a person types a moment of the call into the complaint form. */
const clock = (ms) => `${String(Math.floor(ms / 60_000)).padStart(2, '0')}:${String(Math.floor(ms / 1000) % 60).padStart(2, '0')}`;

/** Waits until the recording player's position (data-current-ms) is within `tol` ms of `ms`. */
async function waitForPlayerAt(page, ms, tol, timeout = 20_000) {
  try {
    await page.waitForFunction(
      ([want, tolerance]) => {
        const el = document.querySelector('[data-testid="recording-player"]');
        return !!el && Math.abs(Number(el.getAttribute('data-current-ms')) - want) <= tolerance;
      },
      [ms, tol],
      { timeout },
    );
  } catch (err) {
    const at = await page.getByTestId('recording-player').getAttribute('data-current-ms').catch(() => '?');
    throw new Error(`the player is at ${at} ms, not within ${tol} ms of ${ms} ms: ${err.message}`);
  }
}

/** Waits for the response to `method path` that `action` triggers; returns {status, json}. */
async function responseTo(page, method, pathname, action) {
  const resp = page.waitForResponse((r) => r.request().method() === method && new URL(r.url()).pathname === pathname);
  await action();
  const r = await resp;
  const text = r.status() === 204 ? '' : await r.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // not JSON
  }
  return { status: r.status(), json, text };
}

/** The transcript rows the page shows, with their flag. */
const shownSegments = (page) =>
  page.locator('[data-testid="transcript-segment"]').evaluateAll((els) =>
    els.map((e) => ({
      id: e.getAttribute('data-segment-id'),
      speaker: e.getAttribute('data-speaker'),
      start: Number(e.getAttribute('data-start-ms')),
      end: Number(e.getAttribute('data-end-ms')),
      flagged: e.getAttribute('data-flagged'),
      text: e.querySelector('[data-testid="transcript-text"]')?.textContent ?? '',
    })),
  );

/**
 * The second story, on the call the test just recorded: the buyer complains that the seller
 * asked for a prepayment, a moderator bans the seller on that evidence and rewards the buyer,
 * the seller appeals, a second moderator overturns it, and the audit log holds and verifies.
 */
async function moderationStory(t, { baseURL, pages, logs, contexts, users, callId, conversationId, listingId, call, combinedSha256, sellerAudio }) {
  const { buyer, seller } = pages;
  const { modToken } = users;
  const api = (method, p, token, body) => apiRequest(baseURL, method, p, { token, body });
  const expectError = (r, status, code, what) => {
    assert.equal(r.status, status, `${what}: ${r.text}`);
    assert.equal(r.json?.error?.code, code, `${what}: ${r.text}`);
  };

  // When the seller asked: in each loop of the sentence in the seller's track, from `req.from` to `req.to`.
  const req = SPEECH.seller.request;
  const spans = await wordSpansInUtterance(env.wavs.seller);
  const span = (w) => {
    const s = spans.find((x) => x.word === w);
    assert.ok(s, `pocketsphinx_continuous finds "${w}" in the seller's WAV: ${spans.map((x) => x.word).join(' ')}`);
    return s;
  };
  const reqFrom = span(req.from).start_ms;
  const reqTo = span(req.to).end_ms;
  const trackMs = (await ffprobeDuration(sellerAudio.file)) * 1000;
  // Each onset, and a loop earlier (the track may begin with speech, which has no onset).
  const anyRequest = [];
  for (const o of sellerAudio.onsets.flatMap((x) => [x, x - sellerAudio.loopMs])) {
    const r = { from: sellerAudio.offset_ms + o + reqFrom, to: sellerAudio.offset_ms + o + reqTo };
    if (!anyRequest.some((x) => Math.abs(x.from - r.from) < 1000)) anyRequest.push(r);
  }
  anyRequest.sort((a, b) => a.from - b.from);
  // The requests the seller's track holds from start to end.
  const requests = anyRequest.filter((r) => r.from >= sellerAudio.offset_ms && r.to <= sellerAudio.offset_ms + trackMs);
  t.diagnostic(`the seller asks for a prepayment at (ms on the call timeline): ${requests.map((r) => `${Math.round(r.from)}–${Math.round(r.to)}`).join(', ')}`);
  assert.ok(requests.length >= 2, `the seller asked more than once: ${requests.length}`);
  const inRequest = (from, to, tol = 1500) => anyRequest.some((r) => from >= r.from - tol && to <= r.to + tol);
  // The complaint points at the second request (the first may be where the call began), in whole seconds.
  const asked = requests[1];
  const lengthMs = call.recording.duration_ms;
  const fromMs = Math.max(0, Math.floor((asked.from - 1000) / 1000) * 1000);
  const toMs = Math.min(Math.floor(lengthMs / 1000) * 1000, Math.ceil((asked.to + 1000) / 1000) * 1000);
  assert.ok(fromMs <= asked.from && toMs >= asked.to, `the range ${fromMs}–${toMs} covers the request ${asked.from}–${asked.to}`);

  // --- 0. before anyone complains: speech analytics has flagged the request on its own ---
  // The analytics job follows the transcript; the seller's case is in the queue with the
  // prepayment flag inside the seller's words, and nobody complained.
  let analytics;
  const deadline = Date.now() + 120_000;
  for (;;) {
    const r = await api('GET', `/api/v1/calls/${callId}/analytics`, modToken);
    if (r.status === 200) { analytics = r.json; break; }
    assert.equal(r.status, 409, `analytics: ${r.text}`);
    assert.ok(Date.now() < deadline, 'the call is analysed within 2 minutes of its transcript');
    await sleep(250);
  }
  t.diagnostic(`flags: ${JSON.stringify(analytics.flags)}`);
  const autoFlag = analytics.flags.find((f) => f.category === 'prepayment' && f.speaker === 'seller' && !f.live);
  // The live warning's hit is on the call too, as a live flag of the seller's.
  const liveFlag = analytics.flags.find((f) => f.live);
  assert.ok(liveFlag, `a live flag: ${JSON.stringify(analytics.flags)}`);
  assert.equal(liveFlag.category, 'prepayment');
  assert.equal(liveFlag.speaker, 'seller');
  assert.ok(autoFlag, `a prepayment flag on the seller: ${JSON.stringify(analytics.flags)}`);
  assert.ok(inRequest(autoFlag.start_ms, autoFlag.end_ms), `the flag ${autoFlag.start_ms}–${autoFlag.end_ms} is where the seller asked`);
  assert.ok(!analytics.flags.some((f) => f.speaker === 'buyer' && f.severity === 'high'), 'nothing serious on the buyer');
  assert.ok(autoFlag.case_id, 'the flag opened a case');
  const autoCase = String(autoFlag.case_id);
  const queue = await api('GET', '/api/v1/moderation/queue', modToken);
  const queued = queue.json.items.find((c) => String(c.id) === autoCase);
  assert.ok(queued, `the automatic case is in the queue: ${queue.text}`);
  assert.equal(String(queued.accused_id), users.seller.id);
  assert.equal(queued.complainants, 0, 'nobody complained');
  assert.ok(queued.auto_flags >= 1);
  assert.equal(queued.priority, 1, 'a high-severity flag makes the case urgent');
  // The analyst sees the masked words: the phone number said as digits is [phone].
  const analyst = makeUser('analyst');
  await env.server.addUser(analyst, 'analyst');
  const analystToken = (await api('POST', '/api/v1/auth/login', '', { email: analyst.email, password: analyst.password })).json.token;
  const masked = await api('GET', `/api/v1/calls/${callId}/analytics`, analystToken);
  assert.equal(masked.status, 200, `analyst analytics: ${masked.text}`);
  // Every text the analyst gets: the utterances' and the flags' words.
  const texts = [...masked.json.utterances.map((u) => u.text), ...masked.json.flags.map((f) => f.text)];
  assert.ok(texts.some((x) => x.includes('[phone]')), `the analyst sees [phone]: ${JSON.stringify(texts)}`);
  for (const x of texts) {
    assert.ok(!/five five five|zero one four|\d{7,}/.test(x), `never the digits: ${x}`);
  }
  for (const leak of [users.seller.name, users.buyer.name, 'accused_id', 'display_name']) {
    assert.ok(!masked.text.includes(leak), `no ${leak} for the analyst`);
  }

  // --- a. the buyer files a complaint on the call page ---
  await buyer.goto(`/calls/${encodeURIComponent(callId)}`);
  await waitForRealtime(buyer);
  await buyer.getByTestId('complaint-open').click();
  await buyer.getByTestId('complaint-category').selectOption('prepayment_request');
  await buyer.getByTestId('complaint-text').fill('During the call the seller asked me to send a prepayment to his card before I could see the laptop.');
  await buyer.getByTestId('complaint-range-from').fill(clock(fromMs));
  await buyer.getByTestId('complaint-range-to').fill(clock(toMs));
  await buyer.getByTestId('complaint-range-add').click();
  await buyer.locator(`[data-testid="complaint-range-item"][data-from-ms="${fromMs}"][data-to-ms="${toMs}"]`).waitFor();
  await buyer.getByTestId('complaint-quote').fill(req.quote);
  const filed = await responseTo(buyer, 'POST', `/api/v1/calls/${callId}/complaints`, () =>
    buyer.getByTestId('complaint-submit').click(),
  );
  assert.equal(filed.status, 201, `complaint: ${filed.text}`);
  const complaint = filed.json;
  t.diagnostic(`complaint: ${JSON.stringify(complaint)}`);
  assert.equal(complaint.status, 'open');
  assert.equal(String(complaint.accused_id), users.seller.id, 'the complaint is about the seller');
  assert.deepEqual(complaint.ranges, [{ from_ms: fromMs, to_ms: toMs }]);
  const qm = complaint.quote_match;
  assert.ok(qm && qm.segment_ids?.length > 0, `the quote is found in the seller's words: ${JSON.stringify(qm)}`);
  assert.ok(inRequest(qm.from_ms, qm.to_ms), `the quote match ${qm.from_ms}–${qm.to_ms} is where the seller asked`);
  const mine = buyer.locator(`[data-testid="complaint"][data-id="${complaint.id}"]`);
  await mine.locator('[data-testid="complaint-status"][data-status="open"]').waitFor();
  await buyer.getByTestId('complaint-open').waitFor({ state: 'detached' }); // one undecided complaint per call
  const caseId = String(complaint.case_id);
  assert.equal(caseId, autoCase, 'the complaint joins the case the flag opened (one case per accused)');

  // --- b. a moderator takes the next case: it is this one, priority 1 ---
  const mod = pages.moderator;
  await mod.goto('/moderation');
  const shift = mod.getByTestId('moderation-shift');
  await shift.waitFor();
  if ((await shift.getAttribute('data-on-shift')) !== 'true') await shift.click();
  await mod.locator('[data-testid="moderation-shift"][data-on-shift="true"]').waitFor();
  await mod.locator(`[data-testid="queue-row"][data-case-id="${caseId}"][data-priority="1"][data-status="open"]`).waitFor();
  const took = await responseTo(mod, 'POST', '/api/v1/moderation/next', () => mod.getByTestId('moderation-next').click());
  assert.equal(took.status, 200, `moderation next: ${took.text}`);
  await mod.waitForURL(new RegExp(`/moderation/cases/${caseId}$`));
  await mod.locator(`[data-testid="case-page"][data-case-id="${caseId}"][data-kind="complaints"]`).waitFor();
  await mod.locator('[data-testid="case-priority"][data-priority="1"]').waitFor();
  await mod.locator('[data-testid="case-status"][data-status="assigned"]').waitFor();
  await mod.locator(`[data-testid="case-accused"][data-user-id="${users.seller.id}"]`).waitFor();
  const cc = mod.locator(`[data-testid="case-complaint"][data-id="${complaint.id}"][data-category="prepayment_request"]`);
  await cc.locator(`[data-testid="complaint-range"][data-from-ms="${fromMs}"][data-to-ms="${toMs}"]`).waitFor();
  assert.equal((await cc.getByTestId('complaint-quote').textContent()).replace(/[“”]/g, '').trim(), req.quote);

  // The player opens at the complained-about moment; those lines are flagged, and only those.
  await mod.getByTestId('recording-player').waitFor();
  await waitForPlayerAt(mod, fromMs, 1500);
  await mod.locator('[data-testid="transcript"][data-state="loaded"]').waitFor();
  // The automatic flag is a marker on the player's timeline, and an item marked as automatic.
  await mod.locator('[data-testid="timeline-marker"][data-kind="flag"][data-category="prepayment"]').first().waitFor();
  await mod.locator('[data-testid="case-item"][data-source="auto"]').first().waitFor();
  await mod.locator('[data-testid="case-item"][data-source="complaint"]').first().waitFor();
  const segs = await shownSegments(mod);
  t.diagnostic(`seller's lines: ${segs.filter((sg) => sg.speaker === 'seller').map((sg) => `${sg.start}: ${sg.text}`).join(' / ')}`);
  const overlaps = (sg) => sg.start < toMs && Math.max(sg.end, sg.start + 1) > fromMs;
  const quoted = new Set(qm.segment_ids.map(String));
  for (const sg of segs) {
    const want = overlaps(sg) || quoted.has(sg.id) ? 'true' : 'false';
    assert.equal(sg.flagged, want, `segment ${JSON.stringify(sg)} data-flagged`);
  }
  assert.ok(segs.some((sg) => sg.speaker === 'seller' && overlaps(sg)), 'the seller\'s line in the range is flagged');
  const asks = segs.filter((sg) => sg.speaker === 'seller' && /\bprepayment\b/i.test(sg.text));
  assert.ok(
    asks.some((sg) => sg.flagged === 'true' && quoted.has(sg.id)),
    `the seller's line with the quoted words is flagged: ${JSON.stringify(asks)}`,
  );
  assert.ok(segs.some((sg) => sg.flagged === 'false'), 'lines away from the complaint are not flagged');

  // Search a word of the fragment in this call; a hit moves the player to it.
  await mod.getByTestId('case-search-input').fill(req.word);
  await mod.getByTestId('case-search-scope').selectOption('call');
  await mod.getByTestId('case-search-submit').click();
  const results = mod.getByTestId('case-search-result');
  await results.first().waitFor();
  const hits = await results.evaluateAll((els) =>
    els.map((e) => ({
      call: e.getAttribute('data-call-id'),
      speaker: e.getAttribute('data-speaker'),
      start: Number(e.getAttribute('data-start-ms')),
      segment: e.getAttribute('data-segment-id'),
      mark: e.querySelector('mark')?.textContent ?? '',
    })),
  );
  t.diagnostic(`case search "${req.word}": ${JSON.stringify(hits)}`);
  // The first loop may be cut by the start of the track or misheard while the audio settles.
  assert.ok(hits.length >= 1, `the request is found: ${hits.length} hits`);
  for (const h of hits) {
    assert.equal(h.call, callId);
    assert.equal(h.speaker, 'seller', `"${req.word}" is the seller's: ${JSON.stringify(h)}`);
    assert.equal(h.mark.toLowerCase(), req.word);
    const sg = segs.find((x) => x.id === h.segment);
    assert.ok(sg, `the hit's segment ${h.segment} is in the transcript`);
    assert.ok(
      anyRequest.some((r) => sg.start < r.to + 500 && sg.end > r.from - 500),
      `the hit's line ${sg.start}–${sg.end} is where the seller asked`,
    );
  }
  const playerMs = Number(await mod.getByTestId('recording-player').getAttribute('data-current-ms'));
  const target = hits.reduce((a, b) => (Math.abs(b.start - playerMs) > Math.abs(a.start - playerMs) ? b : a));
  if (Math.abs(target.start - playerMs) <= 2000) {
    // The hit is where the player already is: play from the line farthest from it first, so the jump shows.
    const away = segs.reduce((a, b) => (Math.abs(b.start - target.start) > Math.abs(a.start - target.start) ? b : a));
    await mod.locator(`[data-testid="transcript-segment"][data-segment-id="${away.id}"] [data-testid="transcript-seek"]`).click();
    await waitForPlayerAt(mod, away.start, 1000);
  }
  await results.and(mod.locator(`[data-segment-id="${target.segment}"]`)).click();
  await waitForPlayerAt(mod, target.start, 1000);
  await mod.locator(`[data-testid="transcript-segment"][data-active="true"][data-segment-id="${target.segment}"]`).waitFor();

  // Decide: ban, with the complaint's range and the hit's moment as evidence, 500 to the buyer.
  const reason = 'Asked the buyer during the video call to send a prepayment to a card (rule 4.2).';
  await mod.getByTestId('decision-action').selectOption('ban');
  await mod.getByTestId('decision-reason').fill(reason);
  const evidence = mod.getByTestId('decision-evidence');
  await evidence.and(mod.locator(`[data-call-id="${callId}"][data-from-ms="${fromMs}"][data-to-ms="${toMs}"]`)).waitFor();
  await mod.getByTestId('decision-add-evidence').click();
  await evidence.nth(1).waitFor();
  const added = { from: Number(await evidence.nth(1).getAttribute('data-from-ms')), to: Number(await evidence.nth(1).getAttribute('data-to-ms')) };
  assert.ok(added.from <= target.start && target.start <= added.to, `added evidence ${JSON.stringify(added)} holds the hit at ${target.start}`);
  await mod.getByTestId('decision-reward').fill('500');
  const decided = await responseTo(mod, 'POST', `/api/v1/moderation/cases/${caseId}/decision`, () =>
    mod.getByTestId('decision-submit').click(),
  );
  assert.equal(decided.status, 200, `decision: ${decided.text}`);
  t.diagnostic(`decision: ${JSON.stringify(decided.json)}`);
  await mod.locator('[data-testid="decision-result"][data-action="ban"]').waitFor();
  const { decision, sanction, rewards } = decided.json;
  assert.equal(decision.action, 'ban');
  assert.equal(decision.reason, reason);
  assert.deepEqual(
    decision.evidence.map((e) => [String(e.call_id), e.from_ms, e.to_ms]),
    [[callId, fromMs, toMs], [callId, added.from, added.to]],
  );
  assert.equal(sanction.kind, 'ban');
  assert.equal(String(sanction.user_id), users.seller.id);
  assert.equal(rewards.length, 1, `one reward: ${JSON.stringify(rewards)}`);
  assert.equal(String(rewards[0].user_id), users.buyer.id);
  assert.equal(rewards[0].amount, 500);

  // --- c. the seller is blocked: calls refused, the page shows the notice ---
  expectError(await api('POST', `/api/v1/conversations/${conversationId}/calls`, users.seller.token, {}), 403, 'user_blocked', 'seller proposes a call');
  expectError(await api('POST', `/api/v1/calls/${callId}/join`, users.seller.token, {}), 403, 'user_blocked', 'seller joins the call');
  const relogin = await loginViaAPI(baseURL, users.seller); // allowed: a blocked user reads the reasons and appeals
  const me = await api('GET', '/api/v1/me', relogin);
  assert.equal(me.json?.status, 'blocked', `seller's /me: ${me.text}`);
  expectError(await api('POST', `/api/v1/conversations/${conversationId}/calls`, relogin, {}), 403, 'user_blocked', 'seller proposes a call after logging in again');
  expectError(await api('GET', `/api/v1/listings/${listingId}`, users.buyer.token), 404, 'listing_not_found', 'the banned seller\'s listing');
  await seller.reload();
  await seller.getByTestId('blocked-notice').waitFor();
  await seller.locator('[data-testid="blocked-until"][data-until=""]').waitFor(); // a ban: for good
  await seller.locator('[data-testid="notification"][data-kind="sanction"]').first().waitFor();

  // --- d. the buyer's open page gets the notification; /notifications shows the reward ---
  await buyer.getByTestId('notifications-unread').waitFor();
  await buyer.getByTestId('nav-notifications').click();
  await buyer.waitForURL(/\/notifications$/);
  const note = buyer.locator('[data-testid="notification"][data-kind="complaint_decided"]').first();
  await note.locator('[data-testid="notification-reward"] [data-amount="500"]').waitFor();
  await buyer.getByTestId('notifications-unread').waitFor({ state: 'detached' }); // read now
  const buyerNotes = await api('GET', '/api/v1/notifications', users.buyer.token);
  const decidedNote = buyerNotes.json.items.find((n) => n.kind === 'complaint_decided');
  assert.ok(decidedNote, `buyer notifications: ${buyerNotes.text}`);
  assert.equal(decidedNote.payload.outcome, 'upheld');
  assert.equal(decidedNote.payload.action, 'ban');
  assert.equal(decidedNote.payload.reward?.amount, 500);

  // --- e. the seller appeals on the blocked page ---
  const appealText = 'I only meant a deposit for delivery; please review the recording again.';
  const ban = seller.locator(`[data-testid="sanction"][data-id="${sanction.id}"][data-kind="ban"][data-status="active"]`);
  await ban.getByTestId('appeal-text').fill(appealText);
  const appealed = await responseTo(seller, 'POST', `/api/v1/sanctions/${sanction.id}/appeal`, () =>
    ban.getByTestId('appeal-submit').click(),
  );
  assert.equal(appealed.status, 201, `appeal: ${appealed.text}`);
  await ban.locator('[data-testid="appeal-status"][data-status="open"]').waitFor();

  // --- f. not for the moderator who decided; a second moderator overturns it ---
  await mod.goto('/moderation');
  const none = await responseTo(mod, 'POST', '/api/v1/moderation/next', () => mod.getByTestId('moderation-next').click());
  assert.equal(none.status, 204, `first moderator's next: ${none.text}`);
  await mod.getByTestId('moderation-empty').waitFor();
  assert.equal((await api('POST', '/api/v1/moderation/next', modToken)).status, 204, 'nor through the API');

  const moderator2 = makeUser('moderator');
  await env.server.addUser(moderator2, 'moderator');
  const mod2Ctx = await newContext(env.browsers.seller, baseURL);
  contexts.push(mod2Ctx);
  const mod2 = await mod2Ctx.newPage();
  logs.push(...captureConsole(mod2, 'moderator2'));
  pages.moderator2 = mod2;
  await loginViaUI(mod2, moderator2);
  await mod2.goto('/moderation');
  await mod2.locator('[data-testid="moderation-shift"][data-on-shift="true"]').waitFor();
  const took2 = await responseTo(mod2, 'POST', '/api/v1/moderation/next', () => mod2.getByTestId('moderation-next').click());
  assert.equal(took2.status, 200, `second moderator's next: ${took2.text}`);
  const appealCaseId = String(took2.json.case.id);
  await mod2.waitForURL(new RegExp(`/moderation/cases/${appealCaseId}$`));
  await mod2.locator(`[data-testid="case-page"][data-case-id="${appealCaseId}"][data-kind="appeal"]`).waitFor();
  assert.equal((await mod2.getByTestId('case-appeal-text').textContent()).trim(), appealText);
  await mod2.locator(`[data-testid="case-appeal-sanction"][data-sanction-id="${sanction.id}"][data-kind="ban"]`).waitFor();
  await mod2.locator(`[data-testid="appeal-evidence"][data-from-ms="${fromMs}"][data-to-ms="${toMs}"]`).waitFor();
  const overturnReason = 'The recording does not show enough to ban for good; the ban is lifted.';
  await mod2.getByTestId('decision-action').selectOption('overturn');
  await mod2.getByTestId('decision-reason').fill(overturnReason);
  const overturned = await responseTo(mod2, 'POST', `/api/v1/moderation/cases/${appealCaseId}/decision`, () =>
    mod2.getByTestId('decision-submit').click(),
  );
  assert.equal(overturned.status, 200, `overturn: ${overturned.text}`);
  await mod2.locator('[data-testid="decision-result"][data-action="overturn"]').waitFor();

  // The seller's account works again.
  const listings = await api('GET', '/api/v1/listings', users.seller.token);
  assert.equal(listings.status, 200, `seller lists listings: ${listings.text}`);
  assert.equal((await api('GET', `/api/v1/listings/${listingId}`, users.buyer.token)).status, 200, 'the listing is back');
  const proposed = await api('POST', `/api/v1/conversations/${conversationId}/calls`, users.seller.token, {});
  assert.equal(proposed.status, 201, `seller proposes a call again: ${proposed.text}`);
  const sellerNotes = await api('GET', '/api/v1/notifications', users.seller.token);
  const appealNote = sellerNotes.json?.items?.find((n) => n.kind === 'appeal_decided');
  assert.ok(appealNote, `seller notifications: ${sellerNotes.text}`);
  assert.equal(appealNote.payload.outcome, 'overturned');
  assert.equal(appealNote.payload.reason, overturnReason);
  await seller.goto('/sanctions');
  await seller.locator(`[data-testid="sanction"][data-id="${sanction.id}"][data-status="overturned"]`).waitFor();
  assert.equal(await seller.getByTestId('blocked-page').count(), 0, 'no blocked page any more');

  // --- g. the audit log: verifies, and holds what happened ---
  const verifyArgs = ['audit', 'verify', '--data-dir', env.server.dataDir];
  const ok = await env.server.cli(verifyArgs);
  t.diagnostic(`audit verify: ${ok.stdout.trim()}`);
  assert.equal(ok.code, 0, `audit verify: ${ok.stdout}${ok.stderr}`);
  assert.match(ok.stdout, /intact/);
  const admin = makeUser('admin');
  await env.server.addUser(admin, 'admin');
  const adminToken = await loginViaAPI(baseURL, admin);
  const idOf = async (token) => String((await api('GET', '/api/v1/me', token)).json.id);
  const [mod1Id, mod2Id] = [await idOf(modToken), await idOf(await loginViaAPI(baseURL, moderator2))];
  const entries = async (action) => {
    const r = await api('GET', `/api/v1/admin/audit?action=${action}&limit=200`, adminToken);
    assert.equal(r.status, 200, `audit ${action}: ${r.text}`);
    return r.json.items;
  };
  const [caseDecided] = await entries('case.decided');
  assert.ok(caseDecided, 'a case.decided entry');
  assert.equal(String(caseDecided.object_id), caseId);
  assert.equal(String(caseDecided.actor_id), mod1Id);
  assert.equal(caseDecided.details.action, 'ban');
  assert.equal(caseDecided.details.reason, reason);
  assert.ok(
    JSON.stringify(caseDecided.evidence).includes(combinedSha256),
    `case.decided cites the recording by its sha256: ${JSON.stringify(caseDecided.evidence)}`,
  );
  const [appealFiled] = await entries('appeal.filed');
  assert.ok(appealFiled && String(appealFiled.actor_id) === users.seller.id, `appeal.filed: ${JSON.stringify(appealFiled)}`);
  const [appealDecided] = await entries('appeal.decided');
  assert.ok(appealDecided && String(appealDecided.actor_id) === mod2Id, `appeal.decided: ${JSON.stringify(appealDecided)}`);
  assert.equal(appealDecided.details.outcome, 'overturned');
  const accessed = await entries('recording.accessed');
  assert.ok(
    accessed.some((e) => String(e.object_id) === callId && String(e.actor_id) === mod1Id),
    `recording.accessed by the moderator: ${JSON.stringify(accessed)}`,
  );

  // Someone edits an entry in the database file: verify finds it.
  const db = path.join(env.server.dataDir, 'vitrina.db');
  const edit = await run('python3', [
    '-c',
    [
      'import sqlite3, sys',
      'db = sqlite3.connect(sys.argv[1], timeout=30)',
      'db.executescript("DROP TRIGGER audit_log_no_update;")',
      'cur = db.execute("UPDATE audit_log SET details = replace(details, \'ban\', \'warn\') WHERE id = ?", (int(sys.argv[2]),))',
      'db.commit()',
      'print(cur.rowcount)',
    ].join('\n'),
    db,
    String(caseDecided.id),
  ]);
  assert.equal(edit.stdout.trim(), '1', `edited audit entry ${caseDecided.id}: ${edit.stdout}${edit.stderr}`);
  const broken = await env.server.cli(verifyArgs);
  t.diagnostic(`audit verify after the edit: ${broken.stdout.trim()}`);
  assert.equal(broken.code, 1, `audit verify after an edit: ${broken.stdout}${broken.stderr}`);
  assert.match(broken.stdout, new RegExp(`BROKEN at entry ${caseDecided.id}\\b`));
}
