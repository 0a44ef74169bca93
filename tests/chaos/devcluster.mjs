// A stand-in for tests/e2e/lib/cluster.mjs with the same shape, used by chaos.mjs only when
// that file is missing (`--cluster dev`): a throwaway PostgreSQL (scripts/pg-test-cluster),
// `servers` × `vitrina serve` (each with its embedded Janus: the Janus "node" of server i is
// that child; killing it makes the server's supervisor restart it) and `workers` × `vitrina
// worker`, all on one database and one recordings directory. No nginx: baseURL is server 0's.

import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { findJanusPid, freePort } from '../e2e/lib/server.mjs';

const run = promisify(execFile);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function startCluster(opts = {}) {
  const bin = path.resolve(process.env.VITRINA_BIN ?? 'build/asan/src/app/vitrina');
  const webDist = path.resolve(process.env.VITRINA_WEB_DIST ?? 'web/dist');
  const root = await mkdtemp(path.join(os.tmpdir(), 'vitrina-devcluster-'));
  const pgState = path.join(root, 'pg');
  await run(path.resolve('scripts/pg-test-cluster'), ['start', pgState]);
  const pgUrl = (await readFile(path.join(pgState, 'url'), 'utf8')).trim();
  const recordingsDir = path.join(root, 'recordings');
  await mkdir(recordingsDir, { recursive: true });
  const env = {
    ...process.env,
    VITRINA_DB_DRIVER: 'postgres',
    VITRINA_DB_URL: pgUrl,
    VITRINA_MEDIA_RECORDINGS_DIR: recordingsDir,
    ...(opts.env ?? {}),
  };
  const procs = [];

  function managed(name, kind, argsFn, readyFn) {
    const lines = [];
    let child = null;
    let exited = null;
    const p = {
      name,
      kind,
      pid: () => child?.pid ?? null,
      alive: () => !!child && !exited,
      logs: () => lines.join('\n'),
      async start() {
        exited = null;
        child = spawn(bin, argsFn(), { stdio: ['ignore', 'pipe', 'pipe'], env });
        const me = child;
        const rec = (s) => (chunk) => {
          for (const l of chunk.toString('utf8').split('\n')) {
            if (!l) continue;
            lines.push(`[${s}] ${l}`);
            if (lines.length > 600) lines.shift();
          }
        };
        child.stdout.on('data', rec('out'));
        child.stderr.on('data', rec('err'));
        p.exit = new Promise((res) => me.on('exit', (code, signal) => {
          if (child === me) exited = { code, signal };
          res({ code, signal });
        }));
        const deadline = Date.now() + 60_000;
        while (!(await readyFn(p))) {
          if (exited) throw new Error(`${name} exited while starting: ${JSON.stringify(exited)}\n${p.logs().slice(-4000)}`);
          if (Date.now() > deadline) throw new Error(`${name} not ready in 60 s\n${p.logs().slice(-4000)}`);
          await sleep(100);
        }
      },
      async kill(signal = 'SIGKILL') {
        if (!child || exited) return;
        const done = p.exit;
        child.kill(signal);
        await done;
      },
      restart() {
        return p.start();
      },
    };
    procs.push(p);
    return p;
  }

  const servers = [];
  const janus = [];
  for (let i = 0; i < (opts.servers ?? 2); i++) {
    const port = await freePort();
    const dataDir = path.join(root, `server${i}`);
    const jhttp = await freePort();
    const jws = await freePort();
    const baseURL = `http://127.0.0.1:${port}`;
    const s = managed(`server${i}`, 'server',
      () => ['serve', '--port', String(port), '--data-dir', dataDir, '--static-dir', webDist],
      async () => {
        try {
          const r = await fetch(`${baseURL}/readyz`, { signal: AbortSignal.timeout(2000) });
          await r.arrayBuffer();
          return r.status === 200;
        } catch {
          return false;
        }
      });
    s.baseURL = baseURL;
    s.dataDir = dataDir;
    // Janus ports per server (inherited through env would be shared): set per spawn.
    const origStart = s.start;
    s.start = async () => {
      env.VITRINA_MEDIA_JANUS_HTTP_PORT = String(jhttp);
      env.VITRINA_MEDIA_JANUS_WS_PORT = String(jws);
      return origStart();
    };
    servers.push(s);
    const workDir = path.join(dataDir, 'janus');
    let lastPid = null;
    const j = {
      name: `janus${i}`,
      kind: 'janus',
      pid: () => lastPid,
      alive: () => lastPid != null,
      logs: () => '',
      async kill(signal = 'SIGKILL') {
        const pid = await findJanusPid(workDir);
        lastPid = pid;
        if (!pid) return;
        try { process.kill(pid, signal); } catch { return; }
        for (let k = 0; k < 100; k++) {
          try { process.kill(pid, 0); } catch { return; }
          if ((await findJanusPid(workDir)) !== pid) return;
          await sleep(50);
        }
      },
      async restart() {
        const old = lastPid;
        const deadline = Date.now() + 60_000;
        for (;;) {
          const pid = await findJanusPid(workDir);
          if (pid && pid !== old) { lastPid = pid; return; }
          if (Date.now() > deadline) throw new Error(`janus${i} not restarted by its server in 60 s`);
          await sleep(200);
        }
      },
    };
    janus.push(j);
    procs.push(j);
  }
  const workers = [];
  for (let i = 0; i < (opts.workers ?? 2); i++) {
    const dataDir = path.join(root, `worker${i}`);
    const w = managed(`worker${i}`, 'worker', () => ['worker', '--data-dir', dataDir],
      async (p) => /worker running/.test(p.logs()));
    workers.push(w);
  }
  for (const s of servers) await s.start();
  for (const j of janus) await j.restart().catch(() => {});
  for (const w of workers) await w.start();

  async function cli(args) {
    try {
      const { stdout, stderr } = await run(bin, args, { env, timeout: 120_000, maxBuffer: 64 << 20 });
      return { code: 0, stdout, stderr };
    } catch (e) {
      if (typeof e.code !== 'number') throw e;
      return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
    }
  }
  async function addUser(user, role = 'user') {
    const r = await cli(['user', 'add', '--data-dir', path.join(root, 'cli'), '--email', user.email,
      '--password', user.password, '--name', user.name, '--role', role]);
    if (r.code !== 0) throw new Error(`user add: ${r.stderr}`);
    return r.stdout.trim();
  }
  async function stop() {
    const exits = {};
    for (const p of [...workers, ...servers]) {
      if (!p.alive()) continue;
      const done = p.exit;
      await p.kill('SIGTERM');
      exits[p.name] = await done;
    }
    await run(path.resolve('scripts/pg-test-cluster'), ['stop', pgState]).catch(() => {});
    if (process.env.VITRINA_E2E_KEEP_DATA !== '1') await rm(root, { recursive: true, force: true });
    return exits;
  }
  return {
    pgUrl, recordingsDir, env, baseURL: servers[0].baseURL, servers, workers, janus, nginx: null,
    procs, cli, addUser, stop, root,
  };
}

export { once };
