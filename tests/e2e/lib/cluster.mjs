// Starts a whole local Vitrina cluster on one machine and gives tests control of every
// process (docs/deployment.md "Several nodes" is the same layout across machines):
//
//   PostgreSQL (scripts/pg-test-cluster) ── servers `vitrina serve` ×N ── nginx (optional)
//                                        └─ workers `vitrina worker` ×M
//   Janus media nodes ×K, each configured by `vitrina media janus-config`
//
//   const c = await startCluster({ nginx: true });   // env VITRINA_BIN, VITRINA_WEB_DIST
//   ... c.baseURL (nginx, else server-0) ... c.servers[1].baseURL ...
//   await c.servers[0].kill();      // SIGKILL (default); resolves when it is gone
//   await c.servers[0].restart();   // same port and data dir; resolves when /readyz is 200
//   const id = await c.addUser({email, password, name}, 'moderator');
//   const {code, stdout} = await c.cli(['jobs', 'list']);
//   await c.stop();                 // everything, PostgreSQL included; temp dirs removed
//
// Every vitrina process gets `c.env`: the cluster's database, the Janus nodes (all of them, in
// media.janus_url / media.janus_public_url order), the media admin key and events secret, the
// shared recordings directory and the shared analysts' pseudonym key. Servers and workers have
// a data directory each. The Janus nodes listen on 127.0.0.1 (HTTP API and the browsers'
// WebSocket, free ports; RTP ranges disjoint) and post their events to nginx when there is one
// (so a dead server loses no events), else to server-0 (events are lost while server-0 is down).
// VITRINA_MEDIA_INTERFACE / VITRINA_MEDIA_ICE_ENFORCE_LIST (set by tests/e2e/run-in-netns) or
// the `mediaInterface` option go into the Janus nodes' configuration.
//
// nginx (Debian package) is a round-robin load balancer over the servers with
// `proxy_next_upstream error timeout` (a killed server is skipped), WebSocket upgrade for
// /api/v1/ws, /api/v1/internal/ closed except the Janus events location, which is proxied
// without X-Forwarded-For. It runs as `nginx -p <dir> -c <dir>/nginx.conf -g 'daemon off;'`,
// everything (pid, logs, temp files) inside <dir>.
//
// Temp dirs are removed on stop() unless VITRINA_E2E_KEEP_DATA=1; VITRINA_E2E_VERBOSE=1 streams
// every process's output.

import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { access, constants, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { freePort, httpReady, requireEnvPath, runCli, spawnLogged } from './server.mjs';

const run = promisify(execFile);
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const PG_CLUSTER = path.join(REPO, 'scripts/pg-test-cluster');
const READY_TIMEOUT_MS = 60_000; // ASan binaries on a busy 2-core machine start slowly
const READY_POLL_MS = 100;
const STOP_TIMEOUT_MS = 10_000;
// RTP: node i uses RTP_BASE + i*RTP_SPAN … + RTP_SPAN - 1 (UDP, outside the ephemeral range).
const RTP_BASE = 21000;
const RTP_SPAN = 500;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Pids of every descendant of `pid` (from /proc/<n>/stat's ppid field). Synchronous, so the
 * 'exit' handler can use it too. */
function descendants(pid) {
  const parent = new Map();
  let entries = [];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const text = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid …; comm may hold spaces and parentheses: split after the last ')'.
      const ppid = Number(text.slice(text.lastIndexOf(')') + 2).split(' ')[1]);
      parent.set(Number(entry), ppid);
    } catch {
      // gone meanwhile
    }
  }
  const out = [];
  const queue = [pid];
  while (queue.length) {
    const p = queue.shift();
    for (const [child, pp] of parent) {
      if (pp === p) {
        out.push(child);
        queue.push(child);
      }
    }
  }
  return out;
}

function signalQuietly(pid, signal) {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/**
 * One process of the cluster, restartable with the same arguments.
 * @param {{name: string, kind: string, bin: string, args: string[], env: Record<string,string|undefined>,
 *          ready: (proc: any) => Promise<boolean>, baseURL?: string, extra?: object}} spec
 * `extra`: more read-only fields of the proc (port, dataDir, apiURL, wsURL).
 */
function managedProcess(spec) {
  const lines = [];
  let current = null; // spawnLogged() of the running incarnation

  const proc = {
    name: spec.name,
    kind: spec.kind,
    ...(spec.baseURL ? { baseURL: spec.baseURL } : {}),
    ...(spec.extra ?? {}),
    pid: () => current?.child.pid ?? null,
    alive: () => current !== null && current.exited() === null,
    logs: () => lines.join('\n'),

    /** Starts it (if not running) and waits until ready; throws with its log if it does not get there. */
    async start() {
      if (proc.alive()) return;
      if (current) lines.push(`[cluster] --- ${spec.name} started again ---`);
      current = spawnLogged(spec.bin, spec.args, { env: spec.env, label: spec.name, lines });
      const me = current;
      const deadline = Date.now() + READY_TIMEOUT_MS;
      for (;;) {
        const exited = me.exited();
        if (exited) {
          throw new Error(
            `${spec.name} exited before becoming ready (code ${exited.code}, signal ${exited.signal})\n${proc.logs()}`,
          );
        }
        if (await spec.ready(proc)) return;
        if (Date.now() > deadline) {
          await proc.kill('SIGKILL');
          throw new Error(`${spec.name} did not become ready within ${READY_TIMEOUT_MS / 1000} s\n${proc.logs()}`);
        }
        await Promise.race([sleep(READY_POLL_MS), me.spawnError]);
      }
    },

    /**
     * Sends `signal` (SIGKILL by default) and resolves with {code, signal} once the process has
     * exited. With SIGKILL its own children (nginx's workers, a job's ffmpeg) are killed too, so
     * nothing is left holding its ports.
     */
    async kill(signal = 'SIGKILL') {
      if (!current) return null;
      const me = current;
      if (me.exited()) return me.exited();
      const children = signal === 'SIGKILL' ? descendants(me.child.pid) : [];
      me.child.kill(signal);
      for (const pid of children) signalQuietly(pid, 'SIGKILL');
      return me.exitPromise;
    },

    /** Starts it again with the same ports and directories (stopping it first if it runs). */
    async restart() {
      if (proc.alive()) await proc.stop();
      await proc.start();
    },

    /** SIGTERM, then SIGKILL after 10 s; resolves with the exit ({code, signal}), null if it was not running. */
    async stop() {
      if (!current || current.exited()) return null;
      const me = current;
      me.child.kill('SIGTERM');
      let timer;
      const timeout = new Promise((resolve) => {
        timer = setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS);
      });
      const r = await Promise.race([me.exitPromise, timeout]);
      clearTimeout(timer);
      if (r === 'timeout') {
        lines.push(`[cluster] ${spec.name} did not exit within ${STOP_TIMEOUT_MS / 1000} s of SIGTERM: SIGKILL`);
        return proc.kill('SIGKILL');
      }
      return r; // nginx's master exits after its workers
    },
  };
  return proc;
}

function nginxConfig({ dir, port, serverPorts, asRoot, readyToken }) {
  const upstream = serverPorts.map((p) => `    server 127.0.0.1:${p} max_fails=1 fail_timeout=2s;`).join('\n');
  const proxy = `        proxy_pass http://vitrina;
        proxy_http_version 1.1;
        proxy_connect_timeout 2s;
        proxy_next_upstream error timeout;
        proxy_next_upstream_tries 0;`;
  return `# Written by tests/e2e/lib/cluster.mjs: a load balancer over the cluster's servers.
${asRoot ? 'user root;\n' : ''}worker_processes 1;
pid ${dir}/nginx.pid;
error_log stderr warn;
events { worker_connections 1024; }
http {
    access_log ${dir}/access.log;
    client_body_temp_path ${dir}/tmp/client_body;
    proxy_temp_path ${dir}/tmp/proxy;
    fastcgi_temp_path ${dir}/tmp/fastcgi;
    uwsgi_temp_path ${dir}/tmp/uwsgi;
    scgi_temp_path ${dir}/tmp/scgi;
    client_max_body_size 16m;

    map $http_upgrade $connection_upgrade {
        default upgrade;
        ''      close;
    }

    upstream vitrina {
${upstream}
    }

    server {
        listen 127.0.0.1:${port};

        location = /__nginx_ready { return 200 "${readyToken}"; }

        # Janus nodes post their events here: no X-Forwarded-For, so the servers see the
        # connection's own (loopback) address, and only from this machine.
        location = /api/v1/internal/janus/events {
            allow 127.0.0.1;
            allow ::1;
            deny all;
${proxy}
        }
        location /api/v1/internal/ { return 404; }

        # vitrina's own WebSocket.
        location = /api/v1/ws {
${proxy}
        proxy_set_header Host $http_host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $connection_upgrade;
        proxy_read_timeout 1h;
        proxy_send_timeout 1h;
        }

        location / {
${proxy}
        proxy_set_header Host $http_host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header Connection "";
        proxy_read_timeout 120s;
        }
    }
}
`;
}

/**
 * @param {{bin?: string, webDist?: string, servers?: number, workers?: number, janus?: number,
 *          nginx?: boolean, env?: Record<string,string>, serverEnv?: Record<string,string>,
 *          mediaInterface?: string, nginxPort?: number}} [opts]
 * `nginxPort`: the load balancer's port (default: a free one). `env` goes to every vitrina
 * process, `serverEnv` to the servers only (e.g. VITRINA_JOBS_WORKERS=0: jobs on workers only).
 */
export async function startCluster(opts = {}) {
  const bin = opts.bin ?? requireEnvPath('VITRINA_BIN');
  const webDist = opts.webDist ?? requireEnvPath('VITRINA_WEB_DIST');
  const nServers = opts.servers ?? 2;
  const nWorkers = opts.workers ?? 2;
  const nJanus = opts.janus ?? 2;
  const withNginx = opts.nginx ?? false;
  if (nServers < 1) throw new Error('startCluster: at least one server');
  await access(bin, constants.X_OK).catch(() => {
    throw new Error(`VITRINA_BIN is not an executable file: ${bin}`);
  });
  await stat(path.join(webDist, 'index.html')).catch(() => {
    throw new Error(`VITRINA_WEB_DIST has no index.html (run "npm run build" in web/): ${webDist}`);
  });

  const root = await mkdtemp(path.join(os.tmpdir(), 'vitrina-cluster-'));
  const pgState = path.join(root, 'pg');
  const recordingsDir = path.join(root, 'recordings');
  const procs = [];
  let pgStarted = false;
  let stopped = false;

  // If the test process exits without stop() (a crash, a failed hook), take the cluster down
  // with it rather than leave servers and a database behind: synchronously, as 'exit' wants.
  const onExit = () => {
    for (const p of procs) {
      const pid = p.pid();
      if (!pid || !p.alive()) continue;
      const children = descendants(pid); // nginx's workers outlive a killed master
      signalQuietly(pid, 'SIGKILL');
      for (const child of children) signalQuietly(child, 'SIGKILL');
    }
    if (pgStarted && !stopped) {
      try {
        execFileSync(PG_CLUSTER, ['stop', pgState], { stdio: 'ignore', timeout: 20_000 });
      } catch {
        // best effort
      }
    }
    if (process.env.VITRINA_E2E_KEEP_DATA !== '1') rmSync(root, { recursive: true, force: true });
  };
  process.once('exit', onExit);

  /** Stops everything (SIGTERM); resolves with the exit of each process that was running. */
  async function stop() {
    if (stopped) return [];
    stopped = true;
    process.removeListener('exit', onExit);
    // Front to back: the load balancer, then the app, then media, then the database.
    const order = ['nginx', 'server', 'worker', 'live-tap', 'janus'];
    const failures = [];
    const exits = [];
    for (const kind of order) {
      const of = procs.filter((p) => p.kind === kind);
      const done = await Promise.all(of.map((p) => p.stop().catch((e) => e)));
      done.forEach((exit, i) => {
        if (exit instanceof Error) failures.push(exit);
        else if (exit) exits.push({ name: of[i].name, kind, exit });
      });
    }
    if (pgStarted) await run(PG_CLUSTER, ['stop', pgState]).catch((e) => failures.push(e));
    if (process.env.VITRINA_E2E_KEEP_DATA !== '1') {
      await rm(root, { recursive: true, force: true });
    }
    if (failures.length) throw failures[0];
    return exits;
  }

  try {
    await mkdir(recordingsDir, { recursive: true });
    await run(PG_CLUSTER, ['start', pgState]);
    pgStarted = true;
    const pgUrl = (await readFile(path.join(pgState, 'url'), 'utf8')).trim();

    // Every vitrina process shares one analysts' pseudonym key (or each node would name users
    // differently): made here, before any of them could race to create it.
    const pseudonymKey = path.join(root, 'pseudonym.key');
    await writeFile(pseudonymKey, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600 });

    const serverPorts = [];
    for (let i = 0; i < nServers; i++) serverPorts.push(await freePort());
    const nginxPort = withNginx ? (opts.nginxPort ?? (await freePort())) : null;
    const janusPorts = [];
    for (let i = 0; i < nJanus; i++) janusPorts.push({ http: await freePort(), ws: await freePort() });
    // Each Janus node's live tap (docs/live.md "Several nodes"): `vitrina live-tap` on a UDP port.
    const livePorts = [];
    for (let i = 0; i < nJanus; i++) livePorts.push(await freePort());

    const env = {
      VITRINA_DB_DRIVER: 'postgres',
      VITRINA_DB_URL: pgUrl,
      VITRINA_DATA_DIR: path.join(root, 'cli'), // for cli(): servers and workers get --data-dir
      VITRINA_MEDIA_RECORDINGS_DIR: recordingsDir,
      VITRINA_ANALYTICS_PSEUDONYM_KEY_FILE: pseudonymKey,
      VITRINA_MEDIA_ADMIN_KEY: randomBytes(18).toString('base64url'),
      VITRINA_MEDIA_EVENTS_SECRET: randomBytes(18).toString('base64url'),
    };
    if (nJanus > 0) {
      env.VITRINA_MEDIA_JANUS_URL = janusPorts.map((p) => `http://127.0.0.1:${p.http}/janus`).join(',');
      env.VITRINA_MEDIA_JANUS_PUBLIC_URL = janusPorts.map((p) => `ws://127.0.0.1:${p.ws}/`).join(',');
      env.VITRINA_LIVE_TAPS = livePorts.map((p) => `127.0.0.1:${p}`).join(',');
    }
    if (withNginx) env.VITRINA_TRUST_FORWARDED_FOR = 'true';
    Object.assign(env, opts.env ?? {});
    const processEnv = { ...process.env, ...env };
    const mediaInterface = opts.mediaInterface ?? process.env.VITRINA_MEDIA_INTERFACE;

    /** `vitrina <args…>` with the cluster's env → {code, stdout, stderr}; killed after `timeoutMs`. */
    const cli = (args, { timeoutMs = 60_000 } = {}) => runCli(bin, args, processEnv, timeoutMs);

    // Janus nodes: configuration from `vitrina media janus-config`, events to nginx or server-0.
    const eventsURL = `http://127.0.0.1:${withNginx ? nginxPort : serverPorts[0]}/api/v1/internal/janus/events`;
    const janusBin = process.env.VITRINA_MEDIA_JANUS_BIN || 'janus';
    const janusProcs = [];
    for (let i = 0; i < nJanus; i++) {
      const dir = path.join(root, `janus-${i}`);
      const args = ['media', 'janus-config', '--dir', dir, '--http-ip', '127.0.0.1', '--http-port',
        String(janusPorts[i].http), '--ws-ip', '127.0.0.1', '--ws-port', String(janusPorts[i].ws),
        '--events-url', eventsURL, '--rtp-ports', `${RTP_BASE + i * RTP_SPAN}-${RTP_BASE + (i + 1) * RTP_SPAN - 1}`];
      if (mediaInterface) args.push('--interface', mediaInterface);
      const r = await cli(args);
      if (r.code !== 0) throw new Error(`vitrina media janus-config failed (${r.code}): ${r.stderr}${r.stdout}`);
      const [cmd, ...cmdArgs] = r.stdout.trim().split(/\s+/);
      janusProcs.push(managedProcess({
        name: `janus-${i}`, kind: 'janus', bin: cmd === 'janus' ? janusBin : cmd, args: cmdArgs, env: process.env,
        extra: {
          dir,
          apiURL: `http://127.0.0.1:${janusPorts[i].http}/janus`,
          wsURL: `ws://127.0.0.1:${janusPorts[i].ws}/`,
        },
        ready: () => httpReady(`http://127.0.0.1:${janusPorts[i].http}/janus/info`),
      }));
    }
    procs.push(...janusProcs);
    await Promise.all(janusProcs.map((p) => p.start()));

    // Servers: started together on purpose (they migrate once, under PostgreSQL's advisory lock).
    const serverProcs = [];
    for (let i = 0; i < nServers; i++) {
      const dataDir = path.join(root, `server-${i}`);
      const mediaPorts = nJanus > 0 ? {} : {
        // No external nodes: each server runs its embedded Janus, on ports of its own.
        VITRINA_MEDIA_JANUS_HTTP_PORT: String(await freePort()),
        VITRINA_MEDIA_JANUS_WS_PORT: String(await freePort()),
      };
      const baseURL = `http://127.0.0.1:${serverPorts[i]}`;
      serverProcs.push(managedProcess({
        name: `server-${i}`, kind: 'server', bin, baseURL, extra: { port: serverPorts[i], dataDir },
        args: ['serve', '--port', String(serverPorts[i]), '--data-dir', dataDir, '--static-dir', webDist],
        env: { ...processEnv, ...mediaPorts, ...(opts.serverEnv ?? {}) },
        ready: () => httpReady(`${baseURL}/readyz`),
      }));
    }
    procs.push(...serverProcs);
    await Promise.all(serverProcs.map((p) => p.start()));

    // Live taps, one per Janus node, after the servers migrated the database.
    const liveTapProcs = [];
    for (let i = 0; i < nJanus; i++) {
      const dataDir = path.join(root, `live-tap-${i}`);
      const opsPort = await freePort();
      liveTapProcs.push(managedProcess({
        name: `live-tap-${i}`, kind: 'live-tap', bin, baseURL: `http://127.0.0.1:${opsPort}`,
        extra: { dataDir, port: livePorts[i] },
        args: ['live-tap', '--data-dir', dataDir, '--port', String(opsPort)],
        env: { ...processEnv, VITRINA_LIVE_PORT: String(livePorts[i]) },
        ready: () => httpReady(`http://127.0.0.1:${opsPort}/readyz`),
      }));
    }
    procs.push(...liveTapProcs);
    await Promise.all(liveTapProcs.map((p) => p.start()));

    let nginxProc = null;
    if (withNginx) {
      const dir = path.join(root, 'nginx');
      await mkdir(path.join(dir, 'tmp'), { recursive: true });
      const asRoot = process.getuid?.() === 0;
      // The ready answer names this nginx, so another one left on a fixed port is not taken for it.
      const readyToken = randomBytes(8).toString('hex');
      await writeFile(path.join(dir, 'nginx.conf'), nginxConfig({ dir, port: nginxPort, serverPorts, asRoot, readyToken }));
      const nginxBin = process.env.VITRINA_NGINX_BIN || (await findNginx());
      nginxProc = managedProcess({
        name: 'nginx', kind: 'nginx', bin: nginxBin, baseURL: `http://127.0.0.1:${nginxPort}`,
        extra: { port: nginxPort, dir },
        args: ['-p', dir, '-e', 'stderr', '-c', path.join(dir, 'nginx.conf'), '-g', 'daemon off;'],
        env: process.env,
        ready: async () => {
          try {
            const res = await fetch(`http://127.0.0.1:${nginxPort}/__nginx_ready`, { signal: AbortSignal.timeout(2_000) });
            return res.status === 200 && (await res.text()) === readyToken;
          } catch {
            return false;
          }
        },
      });
      procs.push(nginxProc);
      await nginxProc.start();
    }

    // Workers: ready once they print "worker running" (they have no HTTP port).
    const workerProcs = [];
    for (let i = 0; i < nWorkers; i++) {
      const dataDir = path.join(root, `worker-${i}`);
      workerProcs.push(managedProcess({
        name: `worker-${i}`, kind: 'worker', bin, extra: { dataDir },
        args: ['worker', '--data-dir', dataDir],
        env: processEnv,
        ready: async (p) => /worker running/.test(p.logs().split('[cluster] ---').pop()),
      }));
    }
    procs.push(...workerProcs);
    await Promise.all(workerProcs.map((p) => p.start()));

    /** `vitrina user add` against the cluster's database; returns the new user's id. */
    async function addUser(user, role = 'user') {
      const r = await cli(['user', 'add', '--email', user.email, '--password', user.password,
        '--name', user.name ?? user.email.split('@')[0], '--role', role]);
      const m = /^user (\d+) /m.exec(r.stdout);
      if (r.code !== 0 || !m) throw new Error(`vitrina user add ${user.email} failed (${r.code}): ${r.stderr}${r.stdout}`);
      return m[1];
    }

    return {
      pgUrl,
      recordingsDir,
      env,
      servers: serverProcs,
      workers: workerProcs,
      janus: janusProcs,
      liveTaps: liveTapProcs,
      nginx: nginxProc,
      baseURL: nginxProc ? nginxProc.baseURL : serverProcs[0].baseURL,
      procs,
      cli,
      addUser,
      stop,
      /** Everything the cluster's processes printed lately, each block headed by its name. */
      logs: () => procs.map((p) => `==== ${p.name} (pid ${p.pid()}) ====\n${p.logs()}`).join('\n'),
      dir: root,
    };
  } catch (e) {
    const logs = procs.map((p) => `==== ${p.name} ====\n${p.logs()}`).join('\n');
    await stop().catch(() => {});
    if (logs && e instanceof Error && !e.message.includes('====')) e.message += `\n${logs}`;
    throw e;
  }
}

async function findNginx() {
  for (const candidate of ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/local/nginx/sbin/nginx']) {
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // next
    }
  }
  throw new Error('nginx not found (apt-get install nginx-light, or set VITRINA_NGINX_BIN)');
}
