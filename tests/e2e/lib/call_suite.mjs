// What the two call tests share: the speech each side's fake microphone plays, the suite
// set-up (netns check, flite WAVs, the server, one media browser per side) and helpers.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';

import { artifactsDir, screenshotAll } from './browser.mjs';
import { launchMediaBrowser, makeSpeechWav } from './media.mjs';
import { startServer } from './server.mjs';

// What each side says (looped by the fake microphone), and the words recognition must
// find in that side's recording. Chosen because pocketsphinx recognises them reliably in
// these voices, also after Opus and a Janus recording (see README).
//
// The seller also asks for a prepayment: `request` is what the buyer complains about — it
// runs from the word `from` to the word `to` (their times in the clean WAV, from
// pocketsphinx_continuous, give when it was said), `quote` is what the complaint quotes and
// `word` what the moderator searches for. "I need a prepayment to my card" rather than
// "please send a prepayment to my card": the server's recogniser heard "prepayment" in that
// one in every loop of real calls, in the other one not in the first loop of any and
// sometimes not in the second ("please stand up repayment"); see README.
export const SPEECH = {
  buyer: { voice: 'slt', text: 'can you turn the camera to the back panel please', keys: ['camera', 'panel'] },
  seller: {
    voice: 'rms',
    // A phone number said as digits, then the prepayment request (speech analytics flags both).
    text: 'the battery holds a charge for two days call two zero two five five five zero one four seven and I need a prepayment to my card',
    keys: ['battery', 'charge'],
    request: { from: 'i', to: 'card', quote: 'I need a prepayment to my card', word: 'prepayment' },
  },
};

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Registers before/after hooks for a call test file and returns the environment they fill:
 * {server, browsers: {buyer, seller}, tmp, wavs}. Refuses to run outside the network
 * namespace (Janus offers no loopback candidates; test media must not leave the machine).
 */
export function useCallSuite(name) {
  const env = { server: undefined, browsers: {}, tmp: undefined, wavs: {} };
  before(async () => {
    if (!process.env.VITRINA_MEDIA_INTERFACE) {
      throw new Error(
        `${name} sends real media: run it inside a private network namespace, ` +
          `e.g. tests/e2e/run-in-netns node --test tests/e2e/${name}`,
      );
    }
    env.tmp = await mkdtemp(path.join(os.tmpdir(), `vitrina-e2e-${path.basename(name, '.test.mjs')}-`));
    for (const [role, s] of Object.entries(SPEECH)) {
      env.wavs[role] = await makeSpeechWav(s.text, s.voice, path.join(env.tmp, `${role}.wav`));
    }
    env.server = await startServer(); // inherits VITRINA_MEDIA_* from run-in-netns
    env.browsers.buyer = await launchMediaBrowser(env.wavs.buyer);
    env.browsers.seller = await launchMediaBrowser(env.wavs.seller);
  });
  after(async () => {
    for (const b of Object.values(env.browsers)) await b?.close();
    if (env.tmp) await rm(env.tmp, { recursive: true, force: true });
    if (env.server) {
      const exit = await env.server.stop();
      assert.equal(exit?.code, 0, `server exit after SIGTERM: ${JSON.stringify(exit)}`);
    }
  });
  return env;
}

/** sha256 → path of every file under `dir` (recursively). */
export async function hashFiles(dir) {
  const out = new Map();
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    const file = path.join(e.parentPath ?? e.path, e.name);
    out.set(createHash('sha256').update(await readFile(file)).digest('hex'), file);
  }
  return out;
}

/**
 * On a failed call test: screenshots of both pages, the server log saved next to them and
 * its tail, the last call JSON seen and the pages' console lines, as test diagnostics.
 */
export async function reportCallFailure(t, { name, pages, server, lastCall, logs }) {
  const shots = await screenshotAll(pages, name);
  t.diagnostic(`screenshots: ${shots.join(', ') || '(none)'}`);
  const dir = shots.length ? path.dirname(shots[0]) : await artifactsDir();
  const logFile = path.join(dir, `${name}-server.log`);
  await writeFile(logFile, server.logs());
  t.diagnostic(`server log: ${logFile}`);
  if (lastCall) t.diagnostic(`last call seen: ${JSON.stringify(lastCall)}`);
  for (const line of logs) t.diagnostic(line);
  t.diagnostic('server log (tail):');
  for (const line of server.logs().split('\n').slice(-80)) t.diagnostic(line);
}
