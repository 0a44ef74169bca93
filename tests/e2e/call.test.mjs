// Browser end-to-end: a buyer and a seller agree in the chat on a video call, talk for
// 25 s through Janus (real WebRTC, Chromium's fake camera, flite speech as the
// microphone), hang up, and the server turns the call into a recording: per-participant
// audio and muxed files plus a combined WebM that a moderator can stream with Range.
// The buyer's recorded audio is run through speech recognition: it must hold the buyer's
// words and not the seller's. Then the server's own transcription follows by itself: both
// pages show the transcript, a word the seller said is found by search as a seller hit within
// 1.5 s of when it was said (measured from the audio), never as the buyer's, and a moderator
// searches in the UI and lands on the recording at that moment.
//
// Must run inside a private network namespace (Janus offers no loopback candidates):
//   VITRINA_BIN=build/release/src/app/vitrina VITRINA_WEB_DIST=web/dist \
//     tests/e2e/run-in-netns node --test tests/e2e/call.test.mjs

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { test } from 'node:test';

import { SPEECH, hashFiles, reportCallFailure, sleep, useCallSuite } from './lib/call_suite.mjs';
import { captureConsole, newContext } from './lib/browser.mjs';
import {
  ffprobeDuration,
  ffprobeStreams,
  speechOnsets,
  statsSummary,
  transcribe,
  wordOffsetInUtterance,
  wordsOf,
} from './lib/media.mjs';
import { apiRequest, pollCall, registerViaAPI } from './lib/server.mjs';
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

const near = (actualS, expectedS, what) =>
  assert.ok(
    Math.abs(actualS - expectedS) <= DURATION_TOLERANCE_S,
    `${what}: ${actualS.toFixed(2)} s, expected ${expectedS.toFixed(2)} ± ${DURATION_TOLERANCE_S} s`,
  );

test('buyer and seller agree on a call in the chat, talk, and the call is recorded', { timeout: 600_000 }, async (t) => {
  const { baseURL } = env.server;
  const buyerCtx = await newContext(env.browsers.buyer, baseURL);
  const sellerCtx = await newContext(env.browsers.seller, baseURL);
  const buyer = await buyerCtx.newPage();
  const seller = await sellerCtx.newPage();
  const logs = [...captureConsole(buyer, 'buyer'), ...captureConsole(seller, 'seller')];
  const pages = { buyer, seller };
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
    await sleep(TALK_MS);
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
    try {
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
      const player = mod.getByTestId('recording-player');
      await player.waitFor();
      await mod.waitForFunction(
        ([ms]) => {
          const el = document.querySelector('[data-testid="recording-player"]');
          return el && Math.abs(Number(el.getAttribute('data-current-ms')) - ms) < 1000;
        },
        [hitMs],
        { timeout: 20_000 },
      );
      const active = mod.locator('[data-testid="transcript-segment"][data-active="true"]');
      await active.first().waitFor();
      assert.equal(await active.first().getAttribute('data-speaker'), 'seller', 'the hit\'s segment is highlighted');
    } finally {
      await modCtx.close();
    }
  } catch (err) {
    await reportCallFailure(t, { name: 'call', pages, server: env.server, lastCall, logs });
    throw err;
  } finally {
    await buyerCtx.close();
    await sellerCtx.close();
  }
});
