// A recorded call across nodes (issue 14): PostgreSQL, two servers, two workers and two
// external Janus nodes (tests/e2e/lib/cluster.mjs). The buyer's browser talks to server A,
// the seller's to server B; the call is placed on one of the Janus nodes, both join it,
// talk (fake camera, flite speech) — the node's live tap process captions both and warns the
// buyer, through the other server — hang up; a worker process — not a server — processes
// the recording and transcribes it, and each side's words are in its own transcript lines.
//
// Run (real media needs a non-loopback interface): VITRINA_BIN=build/asan/src/app/vitrina
//   VITRINA_WEB_DIST=web/dist tests/e2e/run-in-netns node --test tests/e2e/nodes_call.test.mjs

import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { captureConsole, newContext, screenshotAll } from './lib/browser.mjs';
import { SPEECH, sleep } from './lib/call_suite.mjs';
import { startCluster } from './lib/cluster.mjs';
import { launchMediaBrowser, makeSpeechWav } from './lib/media.mjs';
import { apiRequest, pollCall, registerViaAPI } from './lib/server.mjs';
import { joinCallViaUI, loginViaUI, makeUser, startCallViaUI, waitForCallState } from './lib/ui.mjs';

const CONNECT_TIMEOUT_MS = 45_000;
const TALK_MS = 12_000;
const TRANSCRIPT_TIMEOUT_MS = 240_000;

const env = { cluster: undefined, browsers: {}, tmp: undefined };

before(async () => {
  if (!process.env.VITRINA_MEDIA_INTERFACE) {
    throw new Error('nodes_call.test.mjs sends real media: run it under tests/e2e/run-in-netns');
  }
  env.tmp = await mkdtemp(path.join(os.tmpdir(), 'vitrina-e2e-nodes-call-'));
  const wavs = {};
  for (const [role, s] of Object.entries(SPEECH)) {
    wavs[role] = await makeSpeechWav(s.text, s.voice, path.join(env.tmp, `${role}.wav`));
  }
  // The servers run no jobs: the workers must do the processing.
  env.cluster = await startCluster({ servers: 2, workers: 2, janus: 2, serverEnv: { VITRINA_JOBS_WORKERS: '0' } });
  env.browsers.buyer = await launchMediaBrowser(wavs.buyer);
  env.browsers.seller = await launchMediaBrowser(wavs.seller);
});

after(async () => {
  for (const b of Object.values(env.browsers)) await b?.close();
  await env.cluster?.stop();
  if (env.tmp) await rm(env.tmp, { recursive: true, force: true });
});

test('buyer on server A and seller on server B: the call is recorded and transcribed by a worker', { timeout: 480_000 }, async (t) => {
  const [a, b] = env.cluster.servers;
  const buyerCtx = await newContext(env.browsers.buyer, a.baseURL);
  const sellerCtx = await newContext(env.browsers.seller, b.baseURL);
  const buyer = await buyerCtx.newPage();
  const seller = await sellerCtx.newPage();
  const logs = [...captureConsole(buyer, 'buyer'), ...captureConsole(seller, 'seller')];
  let lastCall;
  try {
    const sellerUser = await registerViaAPI(b.baseURL, makeUser('seller'));
    const buyerUser = await registerViaAPI(a.baseURL, makeUser('buyer'));
    const title = `Two-node camera ${Date.now().toString(36)}`;
    const listing = await apiRequest(b.baseURL, 'POST', '/api/v1/listings', {
      token: sellerUser.token,
      body: { title, description: 'Shown on video.', price: 9000, vertical: 'goods', video_call_ready: true },
    });
    assert.equal(listing.status, 201, listing.text);
    await loginViaUI(buyer, buyerUser);
    await loginViaUI(seller, sellerUser);

    const { callId } = await startCallViaUI({ buyer, seller, listingId: String(listing.json.id), title });
    await waitForCallState(buyer, 'connected', CONNECT_TIMEOUT_MS);
    await waitForCallState(seller, 'connected', CONNECT_TIMEOUT_MS);
    // Both joined one room on one Janus node, through different servers.
    const joined = await apiRequest(a.baseURL, 'GET', `/api/v1/calls/${callId}`, { token: buyerUser.token });
    assert.equal(joined.json.state, 'active', JSON.stringify(joined.json));
    const talkEnds = Date.now() + TALK_MS;
    // Live across nodes (docs/live.md): the Janus node's own `vitrina live-tap` process hears
    // both; its captions and the warning reach server A's and server B's sockets through
    // PostgreSQL's event bus. The buyer (on A) is warned of the seller's prepayment request,
    // the seller (on B) is not, and sees the buyer's words as captions.
    await buyer.getByTestId('live-warning').waitFor({ timeout: TALK_MS + 30_000 });
    assert.equal(await buyer.getByTestId('live-warning').getAttribute('data-category'), 'prepayment');
    const buyerWords = new RegExp(SPEECH.buyer.keys.join('|'), 'i');
    await seller.getByTestId('captions').getByText(buyerWords).first().waitFor({ timeout: TALK_MS + 30_000 });
    assert.equal(await seller.getByTestId('live-warning').count(), 0, 'the seller is not told');
    // The node's tap exports its work on its own /metrics (no API there).
    let warned = 0;
    let tapCpu = 0;
    for (const tap of env.cluster.liveTaps) {
      const m = await fetch(`${tap.baseURL}/metrics`).then((r) => r.text());
      warned += Number(/^vitrina_live_warnings_total\{category="prepayment"\} (\d+)/m.exec(m)?.[1] ?? 0);
      tapCpu += Number(/^vitrina_live_cpu_seconds_total ([\d.e+-]+)/m.exec(m)?.[1] ?? 0);
      assert.equal((await fetch(`${tap.baseURL}/api/v1/me`)).status, 404, 'a live tap serves no API');
    }
    assert.equal(warned, 1, 'one warning, counted by the tap that heard it');
    assert.ok(tapCpu > 0, `the taps report their CPU: ${tapCpu}`);
    await sleep(Math.max(0, talkEnds - Date.now()));
    await buyer.getByTestId('hang-up').click();
    await waitForCallState(buyer, 'ended');
    await waitForCallState(seller, 'ended');

    // The seller's server sees what the workers did, live from the one database.
    lastCall = await pollCall(b.baseURL, sellerUser.token, callId,
      (c) => ['ready', 'failed'].includes(c.transcript?.status), TRANSCRIPT_TIMEOUT_MS);
    assert.equal(lastCall.recording.status, 'ready', JSON.stringify(lastCall.recording));
    assert.equal(lastCall.transcript.status, 'ready', JSON.stringify(lastCall.transcript));

    const transcript = await apiRequest(a.baseURL, 'GET', `/api/v1/calls/${callId}/transcript`, { token: buyerUser.token });
    assert.equal(transcript.status, 200, transcript.text);
    const said = (speaker) => transcript.json.segments.filter((s) => s.speaker === speaker).map((s) => s.text).join(' ').toLowerCase();
    t.diagnostic(`buyer: ${said('buyer')}`);
    t.diagnostic(`seller: ${said('seller')}`);
    assert.ok(SPEECH.buyer.keys.some((k) => said('buyer').includes(k)), `the buyer's words in buyer lines: ${said('buyer')}`);
    assert.ok(SPEECH.seller.keys.some((k) => said('seller').includes(k)), `the seller's words in seller lines: ${said('seller')}`);

    // The recording sits in the one shared folder; the servers ran no jobs, so a worker did it.
    const files = await readdir(path.join(env.cluster.recordingsDir, String(callId), 'processed'));
    assert.ok(files.some((f) => f.endsWith('.webm')), `processed files: ${files}`);
    let workerJobs = 0;
    for (const w of env.cluster.workers) workerJobs += (w.logs().match(/"job_done"/g) ?? []).length;
    assert.ok(workerJobs >= 2, `the workers ran the post-processing and the transcription (${workerJobs} job_done lines)`);
  } catch (err) {
    const shots = await screenshotAll({ buyer, seller }, 'nodes-call');
    t.diagnostic(`screenshots: ${shots.join(', ')}`);
    if (lastCall) t.diagnostic(`last call: ${JSON.stringify(lastCall)}`);
    for (const line of logs) t.diagnostic(line);
    for (const p of env.cluster.procs) t.diagnostic(`---- ${p.name} ----\n${p.logs().split('\n').slice(-40).join('\n')}`);
    throw err;
  } finally {
    await buyerCtx.close();
    await sellerCtx.close();
  }
});
