// Video-call cost measurement (not a test): what the embedded Janus and the recording
// post-processing cost per concurrent call on this machine.
//
//   VITRINA_BIN=build/release/src/app/vitrina VITRINA_WEB_DIST=web/dist \
//     tests/e2e/run-in-netns node bench/calls_bench.mjs
//
// For each N in BENCH_CALLS (default "1,2"): a fresh server (which starts its Janus), the
// idle Janus measured for BENCH_IDLE_S; then N calls, each a separate seller + listing +
// buyer pair in two media browsers (fake camera, flite speech as the microphone), set up
// through the UI (chat → propose → accept → recording notice → join); once every page
// shows `connected` and BENCH_SETTLE_S have passed, BENCH_MEASURE_S of sampling: Janus CPU
// (utime+stime from /proc/<pid>/stat, as % of one core) and RSS (VmRSS, sampled every
// second), the server's and the browsers' CPU, and the whole machine's busy share. Then
// every buyer hangs up and each call's post-processing is timed from hang-up until
// recording.status = ready (polled every 250 ms), with the server's children's CPU
// (cutime+cstime: janus-pp-rec, ffmpeg, ffprobe) over that window and the job_done
// `seconds` from the server log; recording sizes come from the processed files on disk
// (<data dir>/recordings/<id>/processed: tracks/*.opus|*.webm are Janus's media as recorded,
// not re-encoded) and the moderator's view of recording.files.
//
// Prints Markdown tables and a JSON line with every figure. The machine has 2 cores
// shared by Janus, the server, the post-processing and 2N Chromiums: see the load columns.

import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { newContext } from '../tests/e2e/lib/browser.mjs';
import { launchMediaBrowser, makeSpeechWav } from '../tests/e2e/lib/media.mjs';
import { apiRequest, loginViaAPI, pollCall, registerViaAPI, startServer } from '../tests/e2e/lib/server.mjs';
import { loginViaUI, makeUser, startCallViaUI, waitForCallState } from '../tests/e2e/lib/ui.mjs';

const CALLS = (process.env.BENCH_CALLS ?? '1,2').split(',').map(Number).filter((n) => n > 0);
const MEASURE_S = Number(process.env.BENCH_MEASURE_S ?? 30);
const IDLE_S = Number(process.env.BENCH_IDLE_S ?? 10);
const SETTLE_S = Number(process.env.BENCH_SETTLE_S ?? 5);
const CONNECT_TIMEOUT_MS = 60_000;
const RECORDING_TIMEOUT_MS = 300_000;
const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
const PAGE_SIZE = 4096;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (...a) => console.error(`[calls_bench ${new Date().toISOString().slice(11, 19)}]`, ...a);

// ---------- /proc ----------

/** {comm, ppid, cpu (s, utime+stime), childCpu (s, cutime+cstime), rssKb} or null if gone. */
async function procStat(pid) {
  let text;
  try {
    text = await readFile(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // comm may hold spaces and parentheses: the fields start after the last ')'.
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // f[0] = state (field 3); utime = field 14 → f[11], stime f[12], cutime f[13], cstime f[14]
  return {
    comm: text.slice(text.indexOf('(') + 1, text.lastIndexOf(')')),
    ppid: Number(f[1]),
    cpu: (Number(f[11]) + Number(f[12])) / CLK_TCK,
    childCpu: (Number(f[13]) + Number(f[14])) / CLK_TCK,
    rssKb: (Number(f[21]) * PAGE_SIZE) / 1024,
  };
}

async function vmRssKb(pid) {
  try {
    const m = (await readFile(`/proc/${pid}/status`, 'utf8')).match(/^VmRSS:\s+(\d+)\s+kB/m);
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** Every live pid → ppid. */
async function processTable() {
  const table = new Map();
  for (const e of await readdir('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    const s = await procStat(e);
    if (s) table.set(Number(e), s);
  }
  return table;
}

/** `root` and all its descendants (pids), from one process table. */
function treeOf(table, root) {
  const out = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, s] of table) {
      if (!out.has(pid) && out.has(s.ppid)) {
        out.add(pid);
        grew = true;
      }
    }
  }
  return out;
}

/**
 * The browsers' processes: everything under this node process (Playwright starts Chromium
 * as its child) except node itself and the server's tree (server, Janus, tools).
 */
function browserPids(table, serverPid) {
  const server = treeOf(table, serverPid);
  const mine = treeOf(table, process.pid);
  mine.delete(process.pid);
  for (const p of server) mine.delete(p);
  return mine;
}

/** Summed CPU seconds of the given pids (live ones), from one process table. */
const cpuOf = (table, pids) => [...pids].reduce((sum, p) => sum + (table.get(p)?.cpu ?? 0), 0);

/** The machine's busy and total jiffies from /proc/stat (all cores). */
async function machineTicks() {
  const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0];
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = v[3] + v[4]; // idle + iowait
  const total = v.slice(0, 8).reduce((a, b) => a + b, 0); // without guest (counted in user)
  return { busy: total - idle - v[7], total }; // steal: the hypervisor's, not ours
}

/**
 * Samples for `seconds`: Janus CPU (% of one core) and VmRSS (every second), the server's
 * own CPU, the browsers' CPU (all processes under each browser's root), the machine's busy
 * share (% of all cores).
 */
async function measure(server, seconds) {
  const janusPid = await server.janusPid();
  if (!janusPid) throw new Error('no Janus process found');
  const serverPid = server.process.pid;
  const t0 = await processTable();
  const browserPids0 = browserPids(t0, serverPid);
  const m0 = await machineTicks();
  const w0 = performance.now();
  const rss = [];
  for (let i = 0; i < seconds; i += 1) {
    rss.push(await vmRssKb(janusPid));
    await sleep(1000);
  }
  rss.push(await vmRssKb(janusPid));
  const t1 = await processTable();
  const m1 = await machineTicks();
  const wall = (performance.now() - w0) / 1000;
  if ((await server.janusPid()) !== janusPid) throw new Error('Janus restarted during the measurement');
  // Browser processes may come and go: count the ones alive at both ends (renderers, GPU,
  // network, audio services all live through a call).
  const browserPids1 = browserPids(t1, serverPid);
  const both = [...browserPids1].filter((p) => browserPids0.has(p));
  const kept = rss.filter((x) => x !== null);
  // Everything else on the machine (other users of the 2 cores): what the machine was busy
  // with beyond Janus, the server, the browsers and this script; the biggest ones by name.
  const ours = new Set([...treeOf(t1, process.pid), ...treeOf(t0, process.pid)]);
  const machineBusy = (100 * (m1.busy - m0.busy)) / (m1.total - m0.total);
  const nodeCpu = (100 * ((t1.get(process.pid)?.cpu ?? 0) - (t0.get(process.pid)?.cpu ?? 0))) / wall;
  const others = new Map();
  for (const [pid, s1] of t1) {
    if (ours.has(pid)) continue;
    const d = s1.cpu - (t0.get(pid)?.cpu ?? 0);
    if (d > 0) others.set(s1.comm, (others.get(s1.comm) ?? 0) + d);
  }
  const topOthers = [...others].sort((a, b) => b[1] - a[1]).slice(0, 3)
    .map(([comm, cpu]) => `${comm} ${((100 * cpu) / wall).toFixed(0)} %`);
  const result = {
    wall_s: wall,
    janus_pid: janusPid,
    janus_cpu_pct: (100 * (t1.get(janusPid).cpu - t0.get(janusPid).cpu)) / wall,
    janus_rss_mb_avg: kept.reduce((a, b) => a + b, 0) / kept.length / 1024,
    janus_rss_mb_max: Math.max(...kept) / 1024,
    server_cpu_pct: (100 * (t1.get(serverPid).cpu - t0.get(serverPid).cpu)) / wall,
    browsers_cpu_pct: (100 * (cpuOf(t1, both) - cpuOf(t0, both))) / wall,
    browser_processes: both.length,
    machine_busy_pct: machineBusy, // of all cores
    cores: os.cpus().length,
    bench_cpu_pct: nodeCpu,
    top_other_processes: topOthers,
  };
  // % of one core used by neither the call stack nor this script (other sessions, builds).
  result.other_cpu_pct = Math.max(0, machineBusy * result.cores - result.janus_cpu_pct -
    result.server_cpu_pct - result.browsers_cpu_pct - nodeCpu);
  return result;
}

// ---------- server log ----------

/** `seconds` of the recording.postprocess job_done lines in the server's log so far. */
function jobDoneSeconds(server) {
  const out = [];
  for (const line of server.logs().split('\n')) {
    const i = line.indexOf('{');
    if (i < 0 || !line.includes('"job_done"')) continue;
    try {
      const j = JSON.parse(line.slice(i));
      if (j.event === 'job_done' && String(j.kind).startsWith('recording')) out.push({ job_id: j.job_id, seconds: j.seconds });
    } catch {
      // not a JSON log line
    }
  }
  return out;
}

// ---------- one scenario: N concurrent calls ----------

async function sumSizes(dir, pred) {
  let bytes = 0;
  let entries;
  try {
    entries = await readdir(dir);
  } catch {
    return 0;
  }
  for (const name of entries) if (pred(name)) bytes += (await stat(path.join(dir, name))).size;
  return bytes;
}

async function scenario(n, wavs) {
  log(`--- ${n} concurrent call(s) ---`);
  const server = await startServer();
  const browsers = [];
  const contexts = [];
  try {
    // Idle baseline: Janus up, no rooms, no browsers.
    for (let i = 0; i < 50 && !(await server.janusPid()); i += 1) await sleep(200);
    await sleep(2000);
    const idle = await measure(server, IDLE_S);
    log(`idle Janus: ${idle.janus_cpu_pct.toFixed(2)} % CPU, ${idle.janus_rss_mb_avg.toFixed(1)} MB`);

    const moderator = makeUser('moderator');
    await server.addUser(moderator, 'moderator');
    const modToken = await loginViaAPI(server.baseURL, moderator);

    // N pairs, each in its own two browsers, joined one after the other through the UI.
    const calls = [];
    for (let i = 0; i < n; i += 1) {
      const sellerUser = await registerViaAPI(server.baseURL, makeUser('seller'));
      const buyerUser = await registerViaAPI(server.baseURL, makeUser('buyer'));
      const title = `Bench item ${i + 1} ${Date.now().toString(36)}`;
      const listing = await apiRequest(server.baseURL, 'POST', '/api/v1/listings', {
        token: sellerUser.token,
        body: { title, description: 'Video call benchmark.', price: 1000 + i, vertical: 'goods', video_call_ready: true },
      });
      if (listing.status !== 201) throw new Error(`create listing: ${listing.status} ${listing.text}`);
      const pages = {};
      for (const role of ['buyer', 'seller']) {
        const b = await launchMediaBrowser(wavs[role]);
        browsers.push(b);
        const ctx = await newContext(b, server.baseURL);
        contexts.push(ctx);
        pages[role] = await ctx.newPage();
      }
      await loginViaUI(pages.buyer, buyerUser);
      await loginViaUI(pages.seller, sellerUser);
      const started = await startCallViaUI({
        buyer: pages.buyer,
        seller: pages.seller,
        listingId: String(listing.json.id),
        title,
      });
      await waitForCallState(pages.buyer, 'connected', CONNECT_TIMEOUT_MS);
      await waitForCallState(pages.seller, 'connected', CONNECT_TIMEOUT_MS);
      log(`call ${started.callId} connected`);
      calls.push({ ...started, pages, buyerUser });
    }

    await sleep(SETTLE_S * 1000);
    const busy = await measure(server, MEASURE_S);
    for (const c of calls) {
      for (const role of ['buyer', 'seller']) {
        const st = await c.pages[role].getByTestId('call-state').textContent();
        if (st?.trim() !== 'connected') throw new Error(`call ${c.callId} ${role}: ${st} after the measurement`);
      }
    }
    log(`in call: Janus ${busy.janus_cpu_pct.toFixed(1)} % CPU, ${busy.janus_rss_mb_avg.toFixed(1)} MB; ` +
        `browsers ${busy.browsers_cpu_pct.toFixed(0)} %, machine ${busy.machine_busy_pct.toFixed(0)} % of ${busy.cores} cores`);

    // Hang up every call (buyers, back to back), then time the post-processing.
    const serverPid = server.process.pid;
    const s0 = await procStat(serverPid);
    const m0 = await machineTicks();
    const jobsBefore = jobDoneSeconds(server).length;
    const hangupAt = {};
    for (const c of calls) {
      const re = new RegExp(`^/api/v1/calls/${c.callId}/hangup$`);
      const res = c.pages.buyer.waitForResponse(
        (r) => r.request().method() === 'POST' && re.test(new URL(r.url()).pathname),
      );
      await c.pages.buyer.getByTestId('hang-up').click();
      if ((await res).status() !== 200) throw new Error(`hang-up ${c.callId}: ${(await res).status()}`);
      hangupAt[c.callId] = Date.now();
    }
    // The browsers are done: close them so they do not compete with the post-processing.
    for (const ctx of contexts.splice(0)) await ctx.close();
    for (const b of browsers.splice(0)) await b.close();

    const readyAt = {};
    await Promise.all(
      calls.map(async (c) => {
        await pollCall(server.baseURL, c.buyerUser.token, c.callId, (x) => x.recording?.status === 'ready',
          RECORDING_TIMEOUT_MS, 250);
        readyAt[c.callId] = Date.now();
      }),
    );
    const s1 = await procStat(serverPid);
    const m1 = await machineTicks();
    // Then the transcription (its own job): until the transcript is ready and a word each
    // side said is found by search, i.e. the call is searchable.
    const searchableAt = {};
    await Promise.all(
      calls.map(async (c) => {
        await pollCall(server.baseURL, c.buyerUser.token, c.callId, (x) => ['ready', 'failed'].includes(x.transcript?.status),
          RECORDING_TIMEOUT_MS, 250);
        for (const word of ['battery', 'camera']) {
          const r = await apiRequest(server.baseURL, 'GET', `/api/v1/search?q=${word}&call_id=${c.callId}`, { token: modToken });
          if (r.status !== 200 || !r.json.items.length) throw new Error(`call ${c.callId}: "${word}" not searchable: ${r.text}`);
        }
        searchableAt[c.callId] = Date.now();
      }),
    );
    const s2 = await procStat(serverPid);
    const jobs = jobDoneSeconds(server).slice(jobsBefore);
    const firstHangup = Math.min(...Object.values(hangupAt));
    const lastReady = Math.max(...Object.values(readyAt));
    const post = {
      window_s: (lastReady - firstHangup) / 1000,
      // Children reaped by the server in the window (janus-pp-rec, ffmpeg, ffprobe) and the
      // server itself; Janus is a child too but still running, so not in cutime.
      children_cpu_s: s1.childCpu - s0.childCpu,
      server_cpu_s: s1.cpu - s0.cpu,
      machine_busy_pct: (100 * (m1.busy - m0.busy)) / (m1.total - m0.total),
      job_done_seconds: jobs.map((j) => j.seconds),
      // In-process recognition: the server's own CPU from the last recording ready to the
      // last call searchable (decode, VAD, pocketsphinx, indexing).
      transcribe_window_s: (Math.max(...Object.values(searchableAt)) - lastReady) / 1000,
      transcribe_server_cpu_s: s2.cpu - s1.cpu,
    };

    const perCall = [];
    for (const c of calls) {
      const r = await apiRequest(server.baseURL, 'GET', `/api/v1/calls/${c.callId}`, { token: modToken });
      const call = r.json;
      const files = call.recording?.files ?? [];
      const dir = path.join(server.dataDir, 'recordings', c.callId, 'processed');
      const trackAudio = await sumSizes(path.join(dir, 'tracks'), (f) => f.endsWith('.opus'));
      const trackVideo = await sumSizes(path.join(dir, 'tracks'), (f) => f.endsWith('.webm'));
      const byKind = (k) => files.filter((f) => f.kind === k).reduce((a, f) => a + f.bytes, 0);
      const partS = ['buyer', 'seller']
        .map((p) => files.find((f) => f.participant === p && f.kind === 'audio')?.duration_ms ?? 0)
        .reduce((a, b) => a + b, 0) / 1000;
      const callS = (call.recording?.duration_ms ?? 0) / 1000;
      perCall.push({
        call_id: c.callId,
        call_s: callS,
        participant_s: partS,
        post_wall_s: (readyAt[c.callId] - hangupAt[c.callId]) / 1000,
        searchable_s: (searchableAt[c.callId] - hangupAt[c.callId]) / 1000,
        track_audio_bytes: trackAudio,
        track_video_bytes: trackVideo,
        audio_bytes: byKind('audio'),
        muxed_bytes: byKind('muxed'),
        combined_bytes: byKind('combined'),
        total_bytes: files.reduce((a, f) => a + f.bytes, 0),
      });
    }
    return { n, idle, busy, post, calls: perCall };
  } finally {
    for (const ctx of contexts) await ctx.close().catch(() => {});
    for (const b of browsers) await b.close().catch(() => {});
    const exit = await server.stop().catch((e) => ({ error: String(e) }));
    if (exit?.code !== 0) log(`server exit: ${JSON.stringify(exit)}`);
  }
}

// ---------- report ----------

const mb = (bytes) => bytes / 1e6;
const f1 = (x) => x.toFixed(1);
const f2 = (x) => x.toFixed(2);

function report(results) {
  const out = [];
  out.push('### Janus while the calls are connected');
  out.push('');
  out.push('| calls | Janus CPU, % of one core: idle → in call | Janus RSS MB: idle → in call (max) | server CPU | Chromiums CPU (2N browsers) | machine busy, % of all cores: idle → in call | other load in call, % of one core |');
  out.push('|---|---|---|---|---|---|---|');
  for (const r of results) {
    out.push(`| ${r.n} | ${f2(r.idle.janus_cpu_pct)} → ${f1(r.busy.janus_cpu_pct)} | ${f1(r.idle.janus_rss_mb_avg)} → ${f1(r.busy.janus_rss_mb_avg)} (${f1(r.busy.janus_rss_mb_max)}) | ${f1(r.busy.server_cpu_pct)} % | ${f1(r.busy.browsers_cpu_pct)} % | ${f1(r.idle.machine_busy_pct)} → ${f1(r.busy.machine_busy_pct)} (of ${r.busy.cores}) | ${f1(r.busy.other_cpu_pct)} % (${r.busy.top_other_processes.join(', ') || '—'}) |`);
  }
  out.push('');
  out.push('### Recording post-processing and size, per call');
  out.push('');
  out.push('| calls | call | length s | hang-up → ready s | job_done s | wall s per call-min | CPU s per call-min | machine busy meanwhile | audio MB per participant-min | video MB per participant-min | all kept files MB per call-min |');
  out.push('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    const callMin = r.calls.reduce((a, c) => a + c.call_s, 0) / 60;
    const cpuPerMin = (r.post.children_cpu_s + r.post.server_cpu_s) / callMin;
    r.calls.forEach((c, i) => {
      const pmin = c.participant_s / 60;
      const cmin = c.call_s / 60;
      const job = r.post.job_done_seconds[i] !== undefined ? f1(r.post.job_done_seconds[i]) : '?';
      out.push(`| ${r.n} | ${c.call_id} | ${f1(c.call_s)} | ${f1(c.post_wall_s)} | ${job} | ${f1(c.post_wall_s / cmin)} | ${f1(cpuPerMin)}${r.n > 1 ? ' (avg)' : ''} | ${f1(r.post.machine_busy_pct)} % | ${f2(mb(c.track_audio_bytes) / pmin)} | ${f2(mb(c.track_video_bytes) / pmin)} | ${f1(mb(c.total_bytes) / cmin)} |`);
    });
  }
  out.push('');
  out.push('CPU s per call-min: CPU of the server and the tools it ran (janus-pp-rec, ffmpeg, ffprobe:');
  out.push('cutime+cstime) from the first hang-up until the last recording was ready, over all calls.');
  out.push('');
  out.push('### Hang-up → searchable (post-processing, then transcription and indexing)');
  out.push('');
  out.push('| calls | call | length s | hang-up → searchable s | ÷ call length | transcription server CPU s per s of participant audio |');
  out.push('|---|---|---|---|---|---|');
  for (const r of results) {
    const audioS = r.calls.reduce((a, c) => a + c.participant_s, 0);
    r.calls.forEach((c) => {
      out.push(`| ${r.n} | ${c.call_id} | ${f1(c.call_s)} | ${f1(c.searchable_s)} | ${f2(c.searchable_s / c.call_s)} | ${(r.post.transcribe_server_cpu_s / audioS).toFixed(3)}${r.n > 1 ? ' (avg)' : ''} |`);
    });
  }
  out.push('Audio/video per participant-min: the per-track files (Janus\'s media, not re-encoded) over');
  out.push('the participants\' recorded minutes; "all kept files": tracks + per-participant audio and muxed + combined.');
  return out.join('\n');
}

async function main() {
  if (!process.env.VITRINA_MEDIA_INTERFACE) {
    throw new Error('calls_bench sends real media: run it as tests/e2e/run-in-netns node bench/calls_bench.mjs');
  }
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'vitrina-calls-bench-'));
  try {
    const wavs = {
      buyer: await makeSpeechWav('can you turn the camera to the back panel please', 'slt', path.join(tmp, 'buyer.wav')),
      seller: await makeSpeechWav('the battery holds a charge for two days', 'rms', path.join(tmp, 'seller.wav')),
    };
    const results = [];
    for (const n of CALLS) results.push(await scenario(n, wavs));
    console.log(report(results));
    console.log('');
    console.log(`JSON ${JSON.stringify({ measure_s: MEASURE_S, idle_s: IDLE_S, clk_tck: CLK_TCK, results })}`);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
