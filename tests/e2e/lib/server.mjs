// Starts and stops a real `vitrina` server for browser tests.
//
//   const server = await startServer();   // env VITRINA_BIN, VITRINA_WEB_DIST
//   ... server.baseURL ...
//   await server.stop();                  // SIGTERM; throws if not gone within 10 s
//   await server.addUser({email, password, name}, 'moderator');   // `vitrina user add`
//   const {code, stdout} = await server.cli(['audit', 'verify', '--data-dir', server.dataDir]);
//   const pid = await server.janusPid();  // the Janus it supervises (null if none running)
//   const r = await apiRequest(server.baseURL, 'GET', '/api/v1/me', {token});
//
// Each server gets a free port and a fresh data directory (removed on stop unless
// VITRINA_E2E_KEEP_DATA=1). Server output is kept (last lines) for failure reports;
// set VITRINA_E2E_VERBOSE=1 to stream it.

import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { access, constants, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const READY_TIMEOUT_MS = 30_000;
const READY_POLL_MS = 100;
const STOP_TIMEOUT_MS = 10_000;
const LOG_LINES = 400;

/** A TCP port that was free a moment ago (the OS picks it). */
export async function freePort() {
  const srv = net.createServer();
  srv.unref();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const { port } = /** @type {net.AddressInfo} */ (srv.address());
  srv.close();
  await once(srv, 'close');
  return port;
}

/**
 * Spawns `bin args…` with stdout and stderr kept (the last LOG_LINES lines, each prefixed with
 * the stream; streamed to stderr with VITRINA_E2E_VERBOSE=1). `exited()` is null while it runs,
 * then {code, signal}; `exitPromise` resolves with the same; `spawnError` rejects if it could
 * not be started (never resolves otherwise). `lines` may be shared across restarts.
 * @param {string} bin
 * @param {string[]} args
 * @param {{env?: Record<string,string|undefined>, label?: string, lines?: string[]}} [opts]
 */
export function spawnLogged(bin, args, opts = {}) {
  const lines = opts.lines ?? [];
  const label = opts.label ?? path.basename(bin);
  const verbose = process.env.VITRINA_E2E_VERBOSE === '1';
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], env: opts.env ?? process.env });
  const record = (stream) => (chunk) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line) continue;
      lines.push(`[${stream}] ${line}`);
      if (lines.length > LOG_LINES) lines.shift();
      if (verbose) process.stderr.write(`[${label} ${stream}] ${line}\n`);
    }
  };
  child.stdout.on('data', record('out'));
  child.stderr.on('data', record('err'));
  /** @type {{code: number|null, signal: string|null} | null} */
  let exited = null;
  const exitPromise = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    });
  });
  const spawnError = new Promise((_, reject) => child.on('error', reject));
  spawnError.catch(() => {});
  return { child, lines, logs: () => lines.join('\n'), exited: () => exited, exitPromise, spawnError };
}

/** True if GET `url` answers 200 within 2 s (false while nothing listens). */
export async function httpReady(url) {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false; // not listening yet
  }
}

/**
 * Runs `bin args…` with `env` and returns {code, stdout, stderr}, whatever the exit code
 * (throws only if it could not run or was killed, e.g. after `timeoutMs`, 60 s by default).
 */
export async function runCli(bin, args, env = process.env, timeoutMs = 60_000) {
  try {
    const { stdout, stderr } = await promisify(execFile)(bin, args, { env, timeout: timeoutMs, maxBuffer: 64 << 20 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    if (typeof e.code !== 'number') throw e; // not started, or killed
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

export function requireEnvPath(name) {
  const v = process.env[name];
  if (!v) throw new Error(`environment variable ${name} is not set`);
  return path.resolve(process.cwd(), v);
}

/**
 * @param {{bin?: string, webDist?: string, extraArgs?: string[], env?: Record<string,string>}} [opts]
 */
export async function startServer(opts = {}) {
  const bin = opts.bin ?? requireEnvPath('VITRINA_BIN');
  const webDist = opts.webDist ?? requireEnvPath('VITRINA_WEB_DIST');
  await access(bin, constants.X_OK).catch(() => {
    throw new Error(`VITRINA_BIN is not an executable file: ${bin}`);
  });
  const distIndex = path.join(webDist, 'index.html');
  await stat(distIndex).catch(() => {
    throw new Error(`VITRINA_WEB_DIST has no index.html (run "npm run build" in web/): ${distIndex}`);
  });

  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'vitrina-e2e-data-'));
  const port = await freePort();
  // The server supervises its own Janus: give it free ports too, so tests running side by
  // side (and a developer's `make run`) never collide.
  const mediaEnv = {
    VITRINA_MEDIA_JANUS_HTTP_PORT: String(await freePort()),
    VITRINA_MEDIA_JANUS_WS_PORT: String(await freePort()),
  };
  const args = [
    'serve',
    '--port',
    String(port),
    '--data-dir',
    dataDir,
    '--static-dir',
    webDist,
    ...(opts.extraArgs ?? []),
  ];

  const proc = spawnLogged(bin, args, {
    env: { ...process.env, ...mediaEnv, ...(opts.env ?? {}) },
    label: 'vitrina',
  });
  const child = proc.child;
  const { exitPromise, spawnError } = proc;
  const baseURL = `http://127.0.0.1:${port}`;
  const logs = proc.logs;

  /** Creates an account with a role through the CLI (`vitrina user add`) on this data dir. */
  async function addUser(user, role = 'user') {
    const { stdout } = await promisify(execFile)(
      bin,
      ['user', 'add', '--data-dir', dataDir, '--email', user.email, '--password', user.password,
        '--name', user.name, '--role', role],
      { env: { ...process.env, ...(opts.env ?? {}) } },
    );
    return stdout.trim();
  }

  /**
   * Runs `vitrina <args…>` (e.g. `audit verify --data-dir …`) and returns {code, stdout,
   * stderr}, whatever the exit code.
   */
  async function cli(args) {
    return runCli(bin, args, { ...process.env, ...(opts.env ?? {}) });
  }

  async function cleanup() {
    if (process.env.VITRINA_E2E_KEEP_DATA !== '1') {
      await rm(dataDir, { recursive: true, force: true });
    }
  }

  /** SIGTERM, then wait; throws if the process is still there after 10 s. */
  async function stop() {
    if (!proc.exited()) {
      child.kill('SIGTERM');
      let timer;
      const timeout = new Promise((resolve) => {
        timer = setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS);
      });
      const r = await Promise.race([exitPromise, timeout]);
      clearTimeout(timer);
      if (r === 'timeout') {
        child.kill('SIGKILL');
        await exitPromise;
        await cleanup();
        throw new Error(`vitrina did not exit within ${STOP_TIMEOUT_MS / 1000} s after SIGTERM\n${logs()}`);
      }
    }
    await cleanup();
    return proc.exited();
  }

  // Poll /readyz until it answers 200 (or the process dies, or we give up).
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const exited = proc.exited();
    if (exited) {
      await cleanup();
      throw new Error(
        `vitrina exited before becoming ready (code ${exited.code}, signal ${exited.signal})\n${logs()}`,
      );
    }
    if (await httpReady(`${baseURL}/readyz`)) break;
    if (Date.now() > deadline) {
      await stop().catch(() => {});
      throw new Error(`vitrina did not become ready within ${READY_TIMEOUT_MS / 1000} s\n${logs()}`);
    }
    await Promise.race([new Promise((r) => setTimeout(r, READY_POLL_MS)), spawnError]);
  }

  /** The pid of the Janus this server supervises (found by its config dir), or null. */
  const janusPid = () => findJanusPid(path.join(dataDir, 'janus'));

  return { baseURL, port, dataDir, bin, process: child, logs, stop, addUser, cli, janusPid };
}

/**
 * The pid of the running `janus` whose command line names `workDir` (the server starts it
 * as `janus -C <workDir>/janus.jcfg -F <workDir>`), or null. Zombies have an empty
 * command line, so a killed Janus not yet reaped is not found.
 * @param {string} workDir
 */
export async function findJanusPid(workDir) {
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let argv;
    try {
      argv = (await readFile(`/proc/${entry}/cmdline`, 'utf8')).split('\0').filter(Boolean);
    } catch {
      continue; // gone meanwhile
    }
    if (argv.length === 0 || path.basename(argv[0]) !== 'janus') continue;
    if (argv.slice(1).some((a) => a === workDir || a.startsWith(`${workDir}/`))) return Number(entry);
  }
  return null;
}

/** Registers through the API; returns the user with its id and Bearer token. */
export async function registerViaAPI(baseURL, user) {
  const r = await apiRequest(baseURL, 'POST', '/api/v1/auth/register', {
    body: { email: user.email, password: user.password, display_name: user.name },
  });
  if (r.status !== 201) throw new Error(`register ${user.email}: ${r.status} ${r.text}`);
  return { ...user, id: String(r.json.user.id), token: r.json.token };
}

/** Logs in through the API (e.g. a moderator made with addUser); returns the Bearer token. */
export async function loginViaAPI(baseURL, user) {
  const r = await apiRequest(baseURL, 'POST', '/api/v1/auth/login', {
    body: { email: user.email, password: user.password },
  });
  if (r.status !== 200) throw new Error(`login ${user.email}: ${r.status} ${r.text}`);
  return r.json.token;
}

/**
 * Polls GET /calls/{id} every `intervalMs` until `done(call)`; returns that call. Throws
 * early when the recording failed, and after `timeoutMs` with the last call seen.
 */
export async function pollCall(baseURL, token, callId, done, timeoutMs, intervalMs = 500) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await apiRequest(baseURL, 'GET', `/api/v1/calls/${callId}`, { token });
    if (r.status !== 200) throw new Error(`GET call ${callId}: ${r.status} ${r.text}`);
    const call = r.json;
    if (done(call)) return call;
    if (call.recording?.status === 'failed') {
      throw new Error(`call ${callId}: recording failed: ${JSON.stringify(call.recording)}`);
    }
    if (Date.now() > deadline) {
      throw new Error(`call ${callId} not done within ${timeoutMs / 1000} s: ${JSON.stringify(call)}`);
    }
    await new Promise((res) => setTimeout(res, intervalMs));
  }
}

/**
 * One API request. Returns {status, headers, json, text, bytes} (json: the parsed body or
 * null; bytes: the raw body as a Buffer).
 * @param {string} baseURL
 * @param {string} method
 * @param {string} urlPath e.g. /api/v1/me
 * @param {{token?: string, body?: unknown, headers?: Record<string,string>}} [opts]
 */
export async function apiRequest(baseURL, method, urlPath, opts = {}) {
  const headers = { ...(opts.headers ?? {}) };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(new URL(urlPath, baseURL), {
    method,
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    signal: AbortSignal.timeout(15_000),
  });
  const bytes = Buffer.from(await res.arrayBuffer());
  const text = bytes.toString('utf8');
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // not JSON
  }
  return { status: res.status, headers: res.headers, json, text, bytes };
}
