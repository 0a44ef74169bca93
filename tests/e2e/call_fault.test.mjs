// Browser end-to-end, fault tolerance: the media server dies in the middle of a call.
// A buyer and a seller get into a recorded call through the UI and talk; then the server's
// Janus child is killed with SIGKILL. Both pages must show `reconnecting`, and — once the
// server's supervisor has restarted Janus and the pages have joined again — `connected`, with
// new live captions of the seller on the buyer's same page (the forwarder re-created).
// They talk some more, the buyer hangs up, and the recording must still become `ready`
// with BOTH parts of the call in it: the segments Janus wrote before it was killed as well
// as those after the restart (durations, track files, and the buyer's words in the
// buyer's audio).
//
// Must run inside a private network namespace (Janus offers no loopback candidates):
//   VITRINA_BIN=build/release/src/app/vitrina VITRINA_WEB_DIST=web/dist \
//     tests/e2e/run-in-netns node --test tests/e2e/call_fault.test.mjs

import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';

import { SPEECH, hashFiles, reportCallFailure, sleep, useCallSuite } from './lib/call_suite.mjs';
import { captureConsole, newContext } from './lib/browser.mjs';
import {
  ffprobeDuration,
  statsSummary,
  transcribe,
  wordsOf,
} from './lib/media.mjs';
import { apiRequest, loginViaAPI, pollCall, registerViaAPI } from './lib/server.mjs';
import {
  callStatesSeen,
  loginViaUI,
  makeUser,
  recordCallStates,
  startCallViaUI,
  waitForCallState,
  waitForCallStateSeen,
} from './lib/ui.mjs';

const TALK_MS = 8_000; // deliberate: each part of the call
const CONNECT_TIMEOUT_MS = 45_000;
const RECONNECTING_TIMEOUT_MS = 20_000; // the pages notice a dead Janus within seconds
const RECONNECT_TIMEOUT_MS = 60_000; // the page's own recovery budget is 60 s
const RESTART_TIMEOUT_MS = 30_000;
const RECORDING_TIMEOUT_MS = 180_000;
const COMBINED_TOLERANCE_S = 3;
const MIN_BUYER_AUDIO_S = 13; // both 8 s parts (minus set-up), not just the last one

const env = useCallSuite('call_fault.test.mjs');

/** Waits until the server's Janus runs with a pid other than `oldPid`; returns the new pid. */
async function waitForJanusRestart(server, oldPid, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pid = await server.janusPid();
    if (pid && pid !== oldPid) return pid;
    if (Date.now() > deadline) throw new Error(`Janus was not restarted within ${timeoutMs / 1000} s (pid ${pid})`);
    await sleep(200);
  }
}

/** Both pages receive the other's audio and video (RTP counters grow over `ms`). */
async function talk(t, pages, ms, label) {
  const before = {};
  for (const [role, page] of Object.entries(pages)) before[role] = await statsSummary(page);
  await sleep(ms);
  for (const [role, page] of Object.entries(pages)) {
    const now = await statsSummary(page);
    t.diagnostic(`${label}: ${role} received ${JSON.stringify(now)}`);
    assert.ok(now, `${label}: ${role}'s call page exposes its subscriber PeerConnection`);
    const was = before[role] ?? { audio: { packets: 0 }, video: { packets: 0, frames: 0 } };
    // Opus sends ~50 packets/s; allow for a subscriber set up during the wait.
    assert.ok(now.audio.packets - was.audio.packets > 150, `${label}: ${role} keeps receiving audio`);
    assert.ok(now.video.frames > 30, `${label}: ${role} decodes the other's video (${now.video.frames} frames)`);
  }
}

test('Janus is killed mid-call: both pages reconnect and the recording keeps both parts', { timeout: 400_000 }, async (t) => {
  const { baseURL } = env.server;
  const buyerCtx = await newContext(env.browsers.buyer, baseURL);
  const sellerCtx = await newContext(env.browsers.seller, baseURL);
  const buyer = await buyerCtx.newPage();
  const seller = await sellerCtx.newPage();
  const logs = [...captureConsole(buyer, 'buyer'), ...captureConsole(seller, 'seller')];
  const pages = { buyer, seller };
  let lastCall;
  let step = 'seed';

  try {
    // --- seed: a seller with a listing ready for calls at any time, a buyer, a moderator ---
    const sellerUser = await registerViaAPI(baseURL, makeUser('seller'));
    const buyerUser = await registerViaAPI(baseURL, makeUser('buyer'));
    const moderator = makeUser('moderator');
    await env.server.addUser(moderator, 'moderator');
    const modToken = await loginViaAPI(baseURL, moderator);
    const title = `Camera for a video call ${Date.now().toString(36)}`;
    const listing = await apiRequest(baseURL, 'POST', '/api/v1/listings', {
      token: sellerUser.token,
      body: { title, description: 'Can show it on video.', price: 31000, vertical: 'goods', video_call_ready: true },
    });
    assert.equal(listing.status, 201, `create listing: ${listing.text}`);
    const listingId = String(listing.json.id);

    // --- into the call through the UI ---
    step = 'join';
    await loginViaUI(buyer, buyerUser);
    await loginViaUI(seller, sellerUser);
    const { callId, joinedAt } = await startCallViaUI({ buyer, seller, listingId, title });
    const firstJoinAt = Math.min(joinedAt.buyer, joinedAt.seller);
    await waitForCallState(buyer, 'connected', CONNECT_TIMEOUT_MS);
    await waitForCallState(seller, 'connected', CONNECT_TIMEOUT_MS);
    for (const page of [buyer, seller]) await recordCallStates(page);
    t.diagnostic(`call ${callId}: both connected ${((Date.now() - firstJoinAt) / 1000).toFixed(1)} s after the first join`);

    step = 'talk before the kill';
    await talk(t, pages, TALK_MS, 'before the kill');
    // Live captions are on (docs/live.md): the seller's words reach the buyer's page.
    const sellerFinal = '[data-testid="caption-line"][data-speaker="seller"][data-final="true"]';
    const sellerFinals = () => buyer.locator(sellerFinal).count();
    await buyer.locator(sellerFinal).first().waitFor({ timeout: 30_000 });
    await buyer.evaluate(() => { window.__sameDocument = true; });

    // --- kill Janus; both pages lose it, the supervisor restarts it, the pages rejoin ---
    step = 'kill janus';
    const janusPid = await env.server.janusPid();
    assert.ok(janusPid, `a janus process runs with ${path.join(env.server.dataDir, 'janus')} on its command line`);
    const since = {
      buyer: (await callStatesSeen(buyer)).length,
      seller: (await callStatesSeen(seller)).length,
    };
    process.kill(janusPid, 'SIGKILL');
    const killedAt = Date.now();
    t.diagnostic(`killed janus pid ${janusPid}`);

    step = 'reconnecting';
    await Promise.all(
      Object.entries(pages).map(([role, page]) =>
        waitForCallStateSeen(page, 'reconnecting', { since: since[role], timeout: RECONNECTING_TIMEOUT_MS }),
      ),
    );
    t.diagnostic(`both pages showed reconnecting within ${((Date.now() - killedAt) / 1000).toFixed(1)} s`);
    const newPid = await waitForJanusRestart(env.server, janusPid, RESTART_TIMEOUT_MS);
    t.diagnostic(`janus restarted as pid ${newPid} ${((Date.now() - killedAt) / 1000).toFixed(1)} s after the kill`);

    step = 'reconnect';
    await Promise.all(
      Object.entries(pages).map(async ([role, page]) => {
        const seen = await callStatesSeen(page);
        const reconnecting = seen.indexOf('reconnecting', since[role]);
        await waitForCallStateSeen(page, 'connected', { since: reconnecting + 1, timeout: RECONNECT_TIMEOUT_MS });
      }),
    );
    await waitForCallState(buyer, 'connected');
    await waitForCallState(seller, 'connected');
    for (const [role, page] of Object.entries(pages)) {
      t.diagnostic(`${role} call-state: ${(await callStatesSeen(page)).join(' → ')}`);
    }
    t.diagnostic(`both pages connected again ${((Date.now() - killedAt) / 1000).toFixed(1)} s after the kill`);

    step = 'captions resume';
    // The server re-created the forwarder when the seller published again: new captions come
    // on the same page, without a reload.
    const before = await sellerFinals();
    const resumedFrom = Date.now();
    await buyer.waitForFunction(
      ([sel, n]) => document.querySelectorAll(sel).length > n, [sellerFinal, before], { timeout: 45_000 });
    assert.equal(await buyer.evaluate(() => window.__sameDocument), true, 'the page was not reloaded');
    t.diagnostic(`captions resumed ${((Date.now() - resumedFrom) / 1000).toFixed(1)} s after both reconnected`);

    step = 'talk after the restart';
    await talk(t, pages, TALK_MS, 'after the restart');

    // --- the buyer hangs up; both pages show the end ---
    step = 'hang up';
    const hangupRe = new RegExp(`^/api/v1/calls/${callId}/hangup$`);
    const hungUp = buyer.waitForResponse(
      (r) => r.request().method() === 'POST' && hangupRe.test(new URL(r.url()).pathname),
    );
    await buyer.getByTestId('hang-up').click();
    assert.equal((await hungUp).status(), 200, 'hang-up accepted');
    const hangupAt = Date.now();
    await waitForCallState(buyer, 'ended');
    await waitForCallState(seller, 'ended');

    // --- the recording gets processed, both parts of it ---
    step = 'recording';
    lastCall = await pollCall(baseURL, buyerUser.token, callId, (c) => c.recording?.status === 'ready', RECORDING_TIMEOUT_MS);
    t.diagnostic(`recording ready ${((Date.now() - hangupAt) / 1000).toFixed(1)} s after the hang-up`);
    assert.equal(lastCall.state, 'ended');
    assert.equal(lastCall.end_reason, 'hangup');
    const inCallS = (hangupAt - firstJoinAt) / 1000;
    t.diagnostic(`first join to hang-up: ${inCallS.toFixed(2)} s; recording.duration_ms ${lastCall.recording.duration_ms}`);

    const asMod = await apiRequest(baseURL, 'GET', `/api/v1/calls/${callId}`, { token: modToken });
    assert.equal(asMod.status, 200, `moderator GET call: ${asMod.text}`);
    const files = asMod.json.recording?.files ?? [];
    t.diagnostic(`recording files: ${JSON.stringify(files)}`);
    const onDisk = await hashFiles(path.join(env.server.dataDir, 'recordings', callId));
    const fileOf = (participant, kind) => {
      const f = files.find((x) => x.participant === participant && x.kind === kind);
      assert.ok(f, `recording.files has ${participant}/${kind}`);
      assert.ok(f.bytes > 0, `${participant}/${kind} is not empty`);
      const file = onDisk.get(f.sha256);
      assert.ok(file, `${participant}/${kind}: a file with sha256 ${f.sha256} under recordings/${callId}/`);
      return { ...f, file };
    };
    for (const role of ['buyer', 'seller']) {
      fileOf(role, 'audio');
      fileOf(role, 'muxed');
    }
    const combined = fileOf('combined', 'combined');

    // Segments from before the kill and after the restart: two audio tracks per side.
    for (const role of ['buyer', 'seller']) {
      const audioTracks = files
        .filter((f) => f.participant === role && f.kind === 'track')
        .map((f) => onDisk.get(f.sha256))
        .filter((file) => file && /-audio-\d+\.[a-z0-9]+$/.test(file));
      t.diagnostic(`${role} audio tracks: ${audioTracks.map((f) => path.basename(f)).join(', ')}`);
      assert.ok(audioTracks.length >= 2, `${role}: audio segments from before and after the kill (${audioTracks.length})`);
    }

    const buyerAudio = fileOf('buyer', 'audio');
    const buyerAudioS = await ffprobeDuration(buyerAudio.file);
    t.diagnostic(`buyer audio: duration_ms ${buyerAudio.duration_ms}, file ${buyerAudioS.toFixed(2)} s`);
    assert.ok(
      buyerAudio.duration_ms / 1000 >= MIN_BUYER_AUDIO_S,
      `buyer audio covers both parts: ${buyerAudio.duration_ms} ms, want ≥ ${MIN_BUYER_AUDIO_S} s`,
    );
    assert.ok(buyerAudioS >= MIN_BUYER_AUDIO_S, `buyer audio file: ${buyerAudioS.toFixed(2)} s, want ≥ ${MIN_BUYER_AUDIO_S} s`);

    const combinedS = await ffprobeDuration(combined.file);
    for (const [what, s] of [
      ['combined duration_ms', combined.duration_ms / 1000],
      ['combined file', combinedS],
      ['recording.duration_ms', lastCall.recording.duration_ms / 1000],
    ]) {
      assert.ok(
        Math.abs(s - inCallS) <= COMBINED_TOLERANCE_S,
        `${what}: ${s.toFixed(2)} s, expected first join → hang-up ${inCallS.toFixed(2)} ± ${COMBINED_TOLERANCE_S} s`,
      );
    }

    // --- the buyer's words are in the buyer's audio ---
    step = 'transcribe';
    const text = await transcribe(buyerAudio.file);
    t.diagnostic(`buyer audio transcript: ${text.replace(/\n/g, ' / ')}`);
    const words = wordsOf(text);
    for (const w of SPEECH.buyer.keys) assert.ok(words.has(w), `the buyer's recording says "${w}"`);
    for (const w of SPEECH.seller.keys) assert.ok(!words.has(w), `the buyer's recording does not say "${w}"`);
  } catch (err) {
    t.diagnostic(`failed at step: ${step}`);
    for (const [role, page] of Object.entries(pages)) {
      if (!page.isClosed()) t.diagnostic(`${role} call-states seen: ${(await callStatesSeen(page).catch(() => [])).join(' → ')}`);
    }
    await reportCallFailure(t, { name: 'call-fault', pages, server: env.server, lastCall, logs });
    throw err;
  } finally {
    await buyerCtx.close();
    await sellerCtx.close();
  }
});
