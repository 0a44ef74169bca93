// Live captions and warnings (docs/live.md): how late they come, and what a live participant
// costs. Not a test: a measurement, for docs/PERFORMANCE.md "Live captions and warnings".
//
//   make bench-live                                         # release binary, built first
//   VITRINA_BIN=build/asan/src/app/vitrina VITRINA_WEB_DIST=web/dist \
//     tests/e2e/run-in-netns node bench/live_latency.mjs
//
// One server (SQLite, its embedded Janus and live tap) and two headless Chromiums in a call
// through the UI, inside the private network namespace, as the e2e call tests. The seller's
// fake microphone loops a flite WAV (voice slt, 16 kHz mono) of PHRASES, each followed by
// LIVE_BENCH_GAP_S of silence; one of them asks for a prepayment. The buyer's loops one
// sentence with a longer pause, so both streams are live, as in a real call.
//
// 1. Caption latency. On the seller's page a WebAudio AnalyserNode taps the page's own
//    microphone track (the audio sender of window.__vitrinaCall.publisherPc(): what is sent,
//    no second capture), polled every 10 ms; a phrase has ended at its last frame above
//    THRESHOLD_RMS once HANGOVER_MS of quiet follow. On the buyer's page a MutationObserver
//    notes when each seller caption line turns final (`caption-line` with data-speaker=seller,
//    data-final=true) and its text. Both are Date.now() on one machine. Each phrase segment is
//    named by aligning the segments' durations with the phrases' durations in the WAV; a final
//    caption belongs to the latest phrase that ended before it and shares words with it (up to
//    4 phrases back, so a slow caption is not pinned on the wrong phrase). Latency = the first
//    such caption − the phrase's end. Counted: LIVE_BENCH_PHRASES phrases per call from the
//    first captioned one (the live path is up) on; a counted phrase without a caption within
//    TAIL_S is a miss.
// 2. Warning latency: the end of the latest prepayment phrase → `live-warning` on the buyer's
//    page (once per call: a rule fires once per speaker per call). LIVE_BENCH_CALLS calls, one
//    after the other; between calls the previous one's recording and transcript are awaited,
//    so its post-processing does not load the next one.
// 3. CPU. /metrics every second over the counted stretch: vitrina_live_cpu_seconds_total
//    (the tap's workers) over Σ vitrina_live_sessions·dt = CPU-s per participant-second; live
//    calls per core = 1 / (2 × that). Also the server process (utime+stime from /proc, tap
//    included) and its Janus, as % of one core over the same stretch, and the tap's own view
//    of its latency (vitrina_live_final_seconds: newest audio at the tap → final words).
//
// Prints a table and a JSON line (also to LIVE_BENCH_JSON if set). Settings (environment):
// LIVE_BENCH_CALLS (1), LIVE_BENCH_PHRASES (30, per call), LIVE_BENCH_GAP_S (2).

import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { newContext } from '../tests/e2e/lib/browser.mjs';
import { launchMediaBrowser } from '../tests/e2e/lib/media.mjs';
import { apiRequest, pollCall, registerViaAPI, startServer } from '../tests/e2e/lib/server.mjs';
import { loginViaUI, makeUser, startCallViaUI, waitForCallState } from '../tests/e2e/lib/ui.mjs';

const run = promisify(execFile);

// Short phrases pocketsphinx (en-us) recognises well in flite's slt voice (checked on the clean
// WAV); none but the prepayment request matches a live rule.
const PHRASES = [
  'the red bicycle is in the garage now',
  'i can show you the screen now',
  'the screen has no scratches',
  'you can see the camera on the back',
  'i need a prepayment to my card',
  'the seller lives near the station',
  'it works with the original charger',
  'i will show you the other side',
  'the keyboard is clean and quiet',
  'the table is made of solid wood',
];
const PREPAYMENT = 4; // index in PHRASES
const BUYER_TEXT = 'can you turn the camera to the back panel please';
const BUYER_PAUSE_S = 6;

const CALLS = Number(process.env.LIVE_BENCH_CALLS ?? 1);
const PHRASES_PER_CALL = Number(process.env.LIVE_BENCH_PHRASES ?? 30);
const GAP_S = Number(process.env.LIVE_BENCH_GAP_S ?? 2);
const THRESHOLD_RMS = 0.01; // −40 dBFS; the fake microphone's silence is digital zero
const HANGOVER_MS = 300;
const POLL_MS = 10;
const TAIL_S = 10; // after the last counted phrase's end, for its caption
const CONNECT_TIMEOUT_MS = 60_000;
const FIRST_CAPTION_TIMEOUT_MS = 90_000;
const POST_CALL_TIMEOUT_MS = 600_000;
const MIN_OVERLAP = 0.34; // share of the phrase's content words a caption must hold
const GOAL_P95_S = 2;
const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
const STOPWORDS = new Set('the a an i you is in on of to my and it can are with no now will'.split(' '));

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (...a) => console.error(`[live_latency ${new Date().toISOString().slice(11, 19)}]`, ...a);

// ---------- the seller's WAV ----------

function parseWav(buf) {
  if (buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') throw new Error('not a WAV file');
  let format;
  let pcm;
  for (let off = 12; off + 8 <= buf.length; ) {
    const id = buf.toString('ascii', off, off + 4);
    const size = buf.readUInt32LE(off + 4);
    const body = buf.subarray(off + 8, Math.min(buf.length, off + 8 + size));
    if (id === 'fmt ') {
      format = { audioFormat: body.readUInt16LE(0), channels: body.readUInt16LE(2), sampleRate: body.readUInt32LE(4), bitsPerSample: body.readUInt16LE(14) };
    } else if (id === 'data') {
      pcm = body;
    }
    off += 8 + size + (size % 2);
  }
  if (!format || !pcm) throw new Error('WAV without fmt or data');
  if (format.audioFormat !== 1 || format.bitsPerSample !== 16 || format.channels !== 1) {
    throw new Error(`flite wrote an unexpected WAV format: ${JSON.stringify(format)}`);
  }
  return { sampleRate: format.sampleRate, pcm: new Int16Array(pcm.buffer.slice(pcm.byteOffset, pcm.byteOffset + pcm.length)) };
}

function buildWav(sampleRate, samples) {
  const pcm = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(36 + pcm.length, 4);
  h.write('WAVE', 8, 'ascii');
  h.write('fmt ', 12, 'ascii');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(1, 22);
  h.writeUInt32LE(sampleRate, 24);
  h.writeUInt32LE(sampleRate * 2, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(pcm.length, 40);
  return Buffer.concat([h, pcm]);
}

async function flite(text, dir, name) {
  const file = path.join(dir, `${name}.flite.wav`);
  await run('flite', ['-voice', 'slt', '-t', text, '-o', file]);
  return parseWav(await readFile(file));
}

/** Speech segments of 16-bit PCM by the page's rule (10 ms hops, 21 ms windows): [{start_ms, end_ms}]. */
function segmentsOf(pcm, sampleRate) {
  const hop = Math.round(sampleRate / 100);
  const win = Math.round((sampleRate * 1024) / 48000);
  const out = [];
  let loudSince = null;
  let lastLoud = null;
  for (let i = win; i <= pcm.length; i += hop) {
    let sum = 0;
    for (let j = i - win; j < i; j++) sum += (pcm[j] / 32768) ** 2;
    const t = (i / sampleRate) * 1000;
    if (Math.sqrt(sum / win) >= THRESHOLD_RMS) {
      if (loudSince === null) loudSince = t;
      lastLoud = t;
    } else if (loudSince !== null && t - lastLoud >= HANGOVER_MS) {
      out.push({ start_ms: loudSince, end_ms: lastLoud });
      loudSince = null;
    }
  }
  if (loudSince !== null) out.push({ start_ms: loudSince, end_ms: lastLoud });
  return out;
}

/** The seller's WAV (PHRASES, each + GAP_S of silence) and the buyer's; the phrases' durations. */
async function makeWavs(dir) {
  const parts = [];
  const durations = [];
  let rate;
  for (const [i, text] of PHRASES.entries()) {
    const { sampleRate, pcm } = await flite(text, dir, `phrase-${i}`);
    rate ??= sampleRate;
    if (sampleRate !== rate) throw new Error('flite changed its sample rate');
    const segs = segmentsOf(pcm, rate);
    if (segs.length !== 1) {
      throw new Error(`"${text}" is ${segs.length} segments at ${HANGOVER_MS} ms hangover, not one: pick another phrase`);
    }
    durations.push(segs[0].end_ms - segs[0].start_ms);
    parts.push(pcm, new Int16Array(Math.round(rate * GAP_S)));
  }
  const all = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    all.set(p, off);
    off += p.length;
  }
  const seller = path.join(dir, 'seller.wav');
  await writeFile(seller, buildWav(rate, all));
  const loopS = all.length / rate;
  const speechS = durations.reduce((a, b) => a + b, 0) / 1000;

  const b = await flite(BUYER_TEXT, dir, 'buyer');
  const bAll = new Int16Array(b.pcm.length + Math.round(b.sampleRate * BUYER_PAUSE_S));
  bAll.set(b.pcm, 0);
  const buyer = path.join(dir, 'buyer.wav');
  await writeFile(buyer, buildWav(b.sampleRate, bAll));
  const bSegs = segmentsOf(b.pcm, b.sampleRate);
  const buyerSpeechS = bSegs.reduce((a, s) => a + s.end_ms - s.start_ms, 0) / 1000;
  return {
    seller,
    buyer,
    durations,
    loop_s: loopS,
    seller_speech_share: speechS / loopS,
    buyer_speech_share: buyerSpeechS / (bAll.length / b.sampleRate),
  };
}

// ---------- in the pages ----------

/** Seller's page: phrase ends of the microphone track it sends, in window.__liveBench.segments. */
async function installPhraseClock(page) {
  return page.evaluate(
    async ({ threshold, hangMs, pollMs }) => {
      const pc = window.__vitrinaCall?.publisherPc();
      const track = pc?.getSenders().map((s) => s.track).find((t) => t && t.kind === 'audio');
      if (!track) throw new Error('the call page sends no audio track');
      const ctx = new AudioContext();
      const analyser = ctx.createAnalyser();
      analyser.fftSize = 1024;
      ctx.createMediaStreamSource(new MediaStream([track])).connect(analyser);
      await ctx.resume();
      const buf = new Float32Array(analyser.fftSize);
      const st = { segments: [], loudSince: null, lastLoud: null, polls: 0, maxRms: 0, sampleRate: ctx.sampleRate, state: ctx.state };
      window.__liveBench = st;
      window.__liveBenchCtx = ctx; // keep it alive
      setInterval(() => {
        analyser.getFloatTimeDomainData(buf);
        let sum = 0;
        for (let i = 0; i < buf.length; i++) sum += buf[i] * buf[i];
        const rms = Math.sqrt(sum / buf.length);
        const now = Date.now();
        st.polls += 1;
        if (rms > st.maxRms) st.maxRms = rms;
        if (rms >= threshold) {
          if (st.loudSince === null) st.loudSince = now;
          st.lastLoud = now;
        } else if (st.loudSince !== null && now - st.lastLoud >= hangMs) {
          st.segments.push({ start: st.loudSince, end: st.lastLoud });
          st.loudSince = null;
        }
      }, pollMs);
      return { sampleRate: ctx.sampleRate, state: ctx.state, track: track.label };
    },
    { threshold: THRESHOLD_RMS, hangMs: HANGOVER_MS, pollMs: POLL_MS },
  );
}

/** Buyer's page: when each seller caption turns final (and its text), the warning, the status. */
async function installCaptionClock(page) {
  await page.evaluate(() => {
    const st = { finals: [], partials: [], warnings: [], statusOn: null };
    const final = new WeakSet();
    const partial = new WeakSet();
    const warned = new WeakSet();
    const textOf = (el) => {
      const who = el.querySelector('.caption-who')?.textContent ?? '';
      return el.textContent.slice(who.length).trim();
    };
    const scan = () => {
      const now = Date.now();
      for (const el of document.querySelectorAll('[data-testid="caption-line"][data-speaker="seller"]')) {
        if (el.getAttribute('data-final') === 'true') {
          if (!final.has(el)) {
            final.add(el);
            st.finals.push({ t: now, text: textOf(el) });
          }
        } else if (!partial.has(el)) {
          partial.add(el);
          st.partials.push({ t: now, text: textOf(el) });
        }
      }
      for (const el of document.querySelectorAll('[data-testid="live-warning"]')) {
        if (!warned.has(el)) {
          warned.add(el);
          st.warnings.push({ t: now, category: el.getAttribute('data-category'), id: el.getAttribute('data-warning-id') });
        }
      }
      if (st.statusOn === null && document.querySelector('[data-testid="captions"]')?.getAttribute('data-status') === 'on') {
        st.statusOn = now;
      }
    };
    window.__liveBench = st;
    new MutationObserver(scan).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
    scan();
  });
}

// ---------- matching ----------

const words = (text) => (text.toLowerCase().match(/[a-z']+/g) ?? []).filter((w) => !STOPWORDS.has(w));

/** Share of phrase `i`'s content words that `text` holds. */
function overlap(text, i) {
  const have = new Set(words(text));
  const want = words(PHRASES[i]);
  return want.filter((w) => have.has(w)).length / want.length;
}

/** The phrase index of segments[0] that best fits the segments' durations; and the mean error. */
function alignSegments(segments, durations) {
  let best = { offset: 0, err: Infinity };
  for (let k = 0; k < durations.length; k++) {
    let err = 0;
    segments.forEach((s, j) => {
      err += Math.abs(s.end - s.start - durations[(k + j) % durations.length]);
    });
    err /= Math.max(1, segments.length);
    if (err < best.err) best = { offset: k, err };
  }
  return best;
}

function quantile(sorted, q) {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/**
 * Names the segments, pins each final caption on a phrase, and gives each segment its latency.
 * Returns {segments: [{start, end, phrase, caption_t, latency_ms, caption}], unmatched: [...]}.
 */
function matchCaptions(rawSegments, finals, durations) {
  const { offset, err } = alignSegments(rawSegments, durations);
  const segments = rawSegments.map((s, j) => ({ ...s, phrase: (offset + j) % PHRASES.length, caption_t: null, caption: null }));
  const unmatched = [];
  for (const f of finals) {
    let j = segments.findLastIndex((s) => s.end < f.t);
    let hit = null;
    for (let back = 0; j >= 0 && back < 4; back++, j--) {
      if (overlap(f.text, segments[j].phrase) >= MIN_OVERLAP) {
        hit = segments[j];
        break;
      }
    }
    if (!hit) {
      const best = PHRASES.map((_, i) => overlap(f.text, i)).reduce((b, o, i, a) => (o > a[b] ? i : b), 0);
      unmatched.push({ ...f, best_phrase: PHRASES[best] });
      continue;
    }
    if (hit.caption_t === null) {
      hit.caption_t = f.t;
      hit.caption = f.text;
    }
  }
  for (const s of segments) s.latency_ms = s.caption_t === null ? null : s.caption_t - s.end;
  return { segments, unmatched, align_err_ms: err };
}

// ---------- metrics and /proc ----------

async function metrics(baseURL) {
  const res = await fetch(`${baseURL}/metrics`, { signal: AbortSignal.timeout(5_000) });
  const text = await res.text();
  const sums = new Map();
  const live = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/);
    if (!m) continue;
    const v = Number(m[3]);
    if (Number.isFinite(v)) sums.set(m[1], (sums.get(m[1]) ?? 0) + v);
    if (m[1].startsWith('vitrina_live_')) live.push(line);
  }
  return { t: Date.now(), get: (name) => sums.get(name) ?? 0, live };
}

async function cpuSeconds(pid) {
  if (!pid) return null;
  try {
    const text = await readFile(`/proc/${pid}/stat`, 'utf8');
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / CLK_TCK;
  } catch {
    return null;
  }
}

/** The machine's busy and total jiffies from /proc/stat (all cores; steal left out). */
async function machineTicks() {
  const v = (await readFile('/proc/stat', 'utf8')).split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - v[3] - v[4] - v[7], total };
}

function liveLogLines(server) {
  return server.logs().split('\n').filter((l) => l.includes('live_')).slice(-40);
}

// ---------- one call ----------

async function oneCall(n, server, browsers, wavInfo) {
  const { baseURL } = server;
  const sellerUser = await registerViaAPI(baseURL, makeUser('seller'));
  const buyerUser = await registerViaAPI(baseURL, makeUser('buyer'));
  const title = `Live bench ${n} ${Date.now().toString(36)}`;
  const listing = await apiRequest(baseURL, 'POST', '/api/v1/listings', {
    token: sellerUser.token,
    body: { title, description: 'Live captions benchmark.', price: 1000 + n, vertical: 'goods', video_call_ready: true },
  });
  if (listing.status !== 201) throw new Error(`create listing: ${listing.status} ${listing.text}`);
  const ctx = { buyer: await newContext(browsers.buyer, baseURL), seller: await newContext(browsers.seller, baseURL) };
  const buyer = await ctx.buyer.newPage();
  const seller = await ctx.seller.newPage();
  try {
    await loginViaUI(buyer, buyerUser);
    await loginViaUI(seller, sellerUser);
    const { callId } = await startCallViaUI({ buyer, seller, listingId: String(listing.json.id), title });
    await waitForCallState(buyer, 'connected', CONNECT_TIMEOUT_MS);
    await waitForCallState(seller, 'connected', CONNECT_TIMEOUT_MS);
    await installCaptionClock(buyer);
    const audio = await installPhraseClock(seller);
    log(`call ${callId} connected; seller's microphone tapped (${JSON.stringify(audio)})`);

    const janusPid = await server.janusPid();
    const serverPid = server.process.pid;
    const samples = [];
    const sample = async () => {
      const m = await metrics(baseURL);
      samples.push({ m, server_cpu: await cpuSeconds(serverPid), janus_cpu: await cpuSeconds(janusPid), machine: await machineTicks() });
    };
    const state = async () => ({
      seller: await seller.evaluate(() => ({ segments: window.__liveBench.segments, polls: window.__liveBench.polls, maxRms: window.__liveBench.maxRms })),
      buyer: await buyer.evaluate(() => window.__liveBench),
    });

    // Until the first seller final caption: the live path is up.
    const firstBy = Date.now() + FIRST_CAPTION_TIMEOUT_MS;
    let s = await state();
    while (!s.buyer.finals.length) {
      if (Date.now() > firstBy) {
        const m = await metrics(baseURL).catch((e) => ({ live: [String(e)] }));
        throw new Error(
          `no final seller caption on the buyer's page within ${FIRST_CAPTION_TIMEOUT_MS / 1000} s of connecting ` +
            `(seller's microphone: ${s.seller.segments.length} phrases of ` +
            `${s.seller.segments.map((x) => x.end - x.start).join(', ')} ms, aligned with the WAV's phrases ± ` +
            `${alignSegments(s.seller.segments, wavInfo.durations).err.toFixed(0)} ms, max RMS ${s.seller.maxRms.toFixed(3)}; ` +
            `buyer's page: ${s.buyer.partials.length} partials, status on: ${s.buyer.statusOn !== null})\n` +
            `/metrics:\n${m.live.join('\n')}\nserver log (live_):\n${liveLogLines(server).join('\n')}`,
        );
      }
      await sleep(250);
      s = await state();
    }
    await sample();
    const firstCaption = s.buyer.finals[0];
    log(`first seller caption "${firstCaption.text}"; measuring ${PHRASES_PER_CALL} phrases`);

    // Count phrases from the one the first caption belongs to; talk until PHRASES_PER_CALL of
    // them have ended, then up to TAIL_S more for the last captions. /metrics every second.
    const talkBy = Date.now() + (PHRASES_PER_CALL + 5) * (wavInfo.loop_s / PHRASES.length) * 1000 + 60_000;
    let firstIdx = null;
    let lastEnd = null;
    for (;;) {
      await sleep(1000);
      await sample();
      s = await state();
      if (firstIdx === null) {
        const { segments } = matchCaptions(s.seller.segments, s.buyer.finals, wavInfo.durations);
        const idx = segments.findIndex((x) => x.caption_t !== null);
        if (idx >= 0) firstIdx = idx;
      }
      const counted = firstIdx === null ? [] : s.seller.segments.slice(firstIdx, firstIdx + PHRASES_PER_CALL);
      if (counted.length >= PHRASES_PER_CALL) {
        lastEnd ??= counted[counted.length - 1].end;
        const { segments } = matchCaptions(s.seller.segments, s.buyer.finals, wavInfo.durations);
        const open = segments.slice(firstIdx, firstIdx + PHRASES_PER_CALL).filter((x) => x.caption_t === null).length;
        if (open === 0 || Date.now() - lastEnd >= TAIL_S * 1000) break;
      }
      if (Date.now() > talkBy) throw new Error(`call ${callId}: only ${counted.length} phrases counted by the deadline`);
    }
    const talkEnd = Date.now();

    // Hang up, and let the recording and transcript be made before the next call.
    const hangupRe = new RegExp(`^/api/v1/calls/${callId}/hangup$`);
    const hungUp = buyer.waitForResponse((r) => r.request().method() === 'POST' && hangupRe.test(new URL(r.url()).pathname));
    await buyer.getByTestId('hang-up').click();
    if ((await hungUp).status() !== 200) throw new Error(`hang-up ${callId}: ${(await hungUp).status()}`);
    await waitForCallState(buyer, 'ended');

    const { segments, unmatched, align_err_ms } = matchCaptions(s.seller.segments, s.buyer.finals, wavInfo.durations);
    const counted = segments.slice(firstIdx, firstIdx + PHRASES_PER_CALL);
    // The warning: from the end of the latest prepayment phrase before it.
    const w = s.buyer.warnings[0] ?? null;
    let warning = null;
    if (w) {
      const said = segments.filter((x) => x.phrase === PREPAYMENT && x.end < w.t).at(-1);
      warning = { category: w.category, at: w.t, latency_ms: said ? w.t - said.end : null, phrase_end: said?.end ?? null };
    }
    // CPU over the samples from the first caption to the end of the talk.
    let partSec = 0;
    for (let i = 1; i < samples.length; i++) {
      const dt = (samples[i].m.t - samples[i - 1].m.t) / 1000;
      partSec += dt * (samples[i - 1].m.get('vitrina_live_sessions') + samples[i].m.get('vitrina_live_sessions')) / 2;
    }
    const a = samples[0];
    const b = samples.at(-1);
    const wall = (b.m.t - a.m.t) / 1000;
    const liveCpu = b.m.get('vitrina_live_cpu_seconds_total') - a.m.get('vitrina_live_cpu_seconds_total');
    const finalCount = b.m.get('vitrina_live_final_seconds_count') - a.m.get('vitrina_live_final_seconds_count');
    const finalSum = b.m.get('vitrina_live_final_seconds_sum') - a.m.get('vitrina_live_final_seconds_sum');
    const cpu = {
      wall_s: wall,
      participant_s: partSec,
      sessions: [a.m.get('vitrina_live_sessions'), b.m.get('vitrina_live_sessions')],
      live_cpu_s: liveCpu,
      live_cpu_per_participant_s: partSec > 0 ? liveCpu / partSec : null,
      server_cpu_pct: a.server_cpu !== null && b.server_cpu !== null ? (100 * (b.server_cpu - a.server_cpu)) / wall : null,
      janus_cpu_pct: a.janus_cpu !== null && b.janus_cpu !== null ? (100 * (b.janus_cpu - a.janus_cpu)) / wall : null,
      // % of all cores: the call (server, Janus, two Chromiums) and whatever else ran meanwhile.
      machine_busy_pct: (100 * (b.machine.busy - a.machine.busy)) / (b.machine.total - a.machine.total),
      tap_final_mean_ms: finalCount > 0 ? (1000 * finalSum) / finalCount : null,
      tap_finals: finalCount,
      errors: b.m.get('vitrina_live_errors_total') - a.m.get('vitrina_live_errors_total'),
    };
    const latencies = counted.map((x) => x.latency_ms).filter((x) => x !== null);
    log(`call ${callId}: ${latencies.length}/${counted.length} phrases captioned, warning ${warning?.latency_ms ?? '—'} ms, ` +
        `tap CPU ${cpu.live_cpu_per_participant_s?.toFixed(3)} s per participant-s`);
    return {
      call_id: callId,
      talk_s: (talkEnd - firstCaption.t) / 1000,
      align_err_ms,
      warmup_phrases: firstIdx,
      phrases: counted.map((x) => ({
        phrase: PHRASES[x.phrase],
        end: x.end,
        dur_ms: x.end - x.start,
        latency_ms: x.latency_ms,
        caption: x.caption,
      })),
      unmatched_captions: unmatched,
      partials: s.buyer.partials.length,
      warnings: s.buyer.warnings,
      warning,
      cpu,
      metrics_after: b.m.live,
      buyerToken: buyerUser.token,
    };
  } finally {
    await ctx.buyer.close().catch(() => {});
    await ctx.seller.close().catch(() => {});
  }
}

// ---------- report ----------

const f0 = (x) => (x === null || x === undefined ? '—' : x.toFixed(0));
const f2 = (x) => (x === null || x === undefined ? '—' : x.toFixed(2));
const f3 = (x) => (x === null || x === undefined ? '—' : x.toFixed(3));

function summarise(calls, wavInfo, bin) {
  const all = calls.flatMap((c) => c.phrases);
  const lat = all.map((p) => p.latency_ms).filter((x) => x !== null).sort((a, b) => a - b);
  const perPhrase = PHRASES.map((text) => {
    const l = all.filter((p) => p.phrase === text && p.latency_ms !== null).map((p) => p.latency_ms).sort((a, b) => a - b);
    return { phrase: text, n: l.length, misses: all.filter((p) => p.phrase === text && p.latency_ms === null).length, p50_ms: quantile(l, 0.5) };
  });
  const partS = calls.reduce((a, c) => a + c.cpu.participant_s, 0);
  const liveCpu = calls.reduce((a, c) => a + c.cpu.live_cpu_s, 0);
  const perPartS = partS > 0 ? liveCpu / partS : null;
  const wall = calls.reduce((a, c) => a + c.cpu.wall_s, 0);
  const wavg = (key) => {
    const have = calls.filter((c) => c.cpu[key] !== null);
    const w = have.reduce((a, c) => a + c.cpu.wall_s, 0);
    return w > 0 ? have.reduce((a, c) => a + c.cpu[key] * c.cpu.wall_s, 0) / w : null;
  };
  const tapFinals = calls.reduce((a, c) => a + c.cpu.tap_finals, 0);
  return {
    date: new Date().toISOString(),
    bin,
    cores: os.cpus().length,
    calls: calls.length,
    seller_speech_share: wavInfo.seller_speech_share,
    buyer_speech_share: wavInfo.buyer_speech_share,
    caption: {
      phrases: all.length,
      captioned: lat.length,
      misses: all.length - lat.length,
      p50_ms: quantile(lat, 0.5),
      p95_ms: quantile(lat, 0.95),
      max_ms: lat.at(-1) ?? null,
      mean_ms: lat.length ? lat.reduce((a, b) => a + b, 0) / lat.length : null,
      goal_p95_ms: GOAL_P95_S * 1000,
      meets_goal: lat.length > 0 && quantile(lat, 0.95) <= GOAL_P95_S * 1000,
      unmatched_captions: calls.reduce((a, c) => a + c.unmatched_captions.length, 0),
      tap_final_mean_ms: tapFinals > 0 ? calls.reduce((a, c) => a + (c.cpu.tap_final_mean_ms ?? 0) * c.cpu.tap_finals, 0) / tapFinals : null,
      per_phrase: perPhrase,
    },
    warning: calls.map((c) => c.warning),
    cpu: {
      wall_s: wall,
      participant_s: partS,
      live_cpu_s: liveCpu,
      live_cpu_per_participant_s: perPartS,
      live_calls_per_core: perPartS ? 1 / (2 * perPartS) : null,
      server_cpu_pct: wavg('server_cpu_pct'),
      janus_cpu_pct: wavg('janus_cpu_pct'),
      machine_busy_pct: wavg('machine_busy_pct'),
      live_errors: calls.reduce((a, c) => a + c.cpu.errors, 0),
    },
    per_call: calls.map(({ buyerToken, metrics_after, ...c }) => c),
  };
}

function table(sum) {
  const c = sum.caption;
  const out = [];
  out.push('');
  out.push(`Live captions and warnings — ${sum.date.slice(0, 10)}, ${sum.cores} cores, ${sum.bin}`);
  out.push('');
  out.push('| | |');
  out.push('|---|---|');
  out.push(`| calls | ${sum.calls} (seller speaks ${f0(100 * sum.seller_speech_share)} % of the time, buyer ${f0(100 * sum.buyer_speech_share)} %) |`);
  out.push(`| phrases counted | ${c.phrases}: ${c.captioned} captioned, ${c.misses} missed; ${c.unmatched_captions} final captions matched no phrase |`);
  out.push(`| phrase end → final caption on the other page | p50 ${f0(c.p50_ms)} ms, p95 ${f0(c.p95_ms)} ms, max ${f0(c.max_ms)} ms, mean ${f0(c.mean_ms)} ms (goal p95 ≤ ${c.goal_p95_ms} ms: ${c.meets_goal ? 'met' : 'NOT met'}) |`);
  out.push(`| of which at the tap (newest audio → final words, vitrina_live_final_seconds) | mean ${f0(c.tap_final_mean_ms)} ms |`);
  out.push(`| phrase end → live-warning on the buyer's page | ${sum.warning.map((w) => (w ? `${f0(w.latency_ms)} ms (${w.category})` : 'no warning')).join(', ')} |`);
  out.push(`| tap CPU per live participant | ${f3(sum.cpu.live_cpu_per_participant_s)} CPU-s per participant-second (${f2(sum.cpu.live_cpu_s)} CPU-s over ${f0(sum.cpu.participant_s)} participant-s) |`);
  out.push(`| live calls one core sustains | ${f2(sum.cpu.live_calls_per_core)} |`);
  out.push(`| server process (tap included) / its Janus | ${f0(sum.cpu.server_cpu_pct)} % / ${f0(sum.cpu.janus_cpu_pct)} % of one core over ${f0(sum.cpu.wall_s)} s |`);
  out.push(`| machine busy meanwhile | ${f0(sum.cpu.machine_busy_pct)} % of ${sum.cores} cores (the call's two Chromiums included) |`);
  out.push('');
  out.push('| phrase | captioned | missed | p50 ms |');
  out.push('|---|---|---|---|');
  for (const p of c.per_phrase) out.push(`| ${p.phrase} | ${p.n} | ${p.misses} | ${f0(p.p50_ms)} |`);
  return out.join('\n');
}

// ---------- main ----------

async function main() {
  if (!process.env.VITRINA_MEDIA_INTERFACE) {
    throw new Error('live_latency sends real media: run it inside the network namespace, e.g. tests/e2e/run-in-netns node bench/live_latency.mjs');
  }
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'vitrina-live-bench-'));
  let server;
  const browsers = {};
  try {
    const wavInfo = await makeWavs(tmp);
    log(`seller WAV: ${PHRASES.length} phrases, loop ${wavInfo.loop_s.toFixed(1)} s; durations ${wavInfo.durations.map((d) => d.toFixed(0)).join(', ')} ms`);
    server = await startServer();
    browsers.buyer = await launchMediaBrowser(wavInfo.buyer);
    browsers.seller = await launchMediaBrowser(wavInfo.seller);
    const calls = [];
    for (let n = 1; n <= CALLS; n++) {
      if (calls.length) {
        // The previous call's post-processing and transcription, off the next call's CPU.
        const prev = calls.at(-1);
        await pollCall(server.baseURL, prev.buyerToken, prev.call_id,
          (x) => ['ready', 'failed'].includes(x.transcript?.status) || x.recording?.status === 'failed', POST_CALL_TIMEOUT_MS, 1000);
      }
      calls.push(await oneCall(n, server, browsers, wavInfo));
    }
    const sum = summarise(calls, wavInfo, process.env.VITRINA_BIN);
    console.log(table(sum));
    console.log('');
    console.log('/metrics (vitrina_live_*) after the last call:');
    for (const l of calls.at(-1).metrics_after) console.log(`  ${l}`);
    console.log('');
    const json = JSON.stringify(sum);
    console.log(json);
    if (process.env.LIVE_BENCH_JSON) await writeFile(process.env.LIVE_BENCH_JSON, `${json}\n`);
  } finally {
    for (const b of Object.values(browsers)) await b.close().catch(() => {});
    if (server) {
      const exit = await server.stop().catch((e) => ({ error: String(e) }));
      if (exit?.code !== 0) log(`server exit: ${exit?.error ? exit.error.split('\n')[0] : JSON.stringify(exit)}`);
    }
    await rm(tmp, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e?.stack ?? String(e));
  process.exit(1);
});
