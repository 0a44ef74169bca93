// A whole local cluster without a browser (tests/e2e/lib/cluster.mjs): PostgreSQL, two servers
// behind nginx, two workers, two external Janus nodes. Through nginx: requests reach both
// servers, a WebSocket gets chat messages posted on either server, a server killed with
// SIGKILL is skipped and comes back, a Janus node killed with SIGKILL is seen down by the
// servers and comes back, Janus events reach a live server; stop() leaves no process behind.
//
// Run: VITRINA_BIN=build/asan/src/app/vitrina VITRINA_WEB_DIST=web/dist \
//      node --test tests/e2e/cluster.test.mjs

import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { startCluster } from './lib/cluster.mjs';
import { apiRequest, registerViaAPI } from './lib/server.mjs';
import { makeUser } from './lib/ui.mjs';
import { openWebSocket } from './lib/ws.mjs';

/** @type {Awaited<ReturnType<typeof startCluster>> | undefined} */
let cluster;

before(async () => {
  cluster = await startCluster({ nginx: true });
});

after(async () => {
  if (!cluster) return;
  const pgDir = /[?&]host=([^&]+)/.exec(cluster.pgUrl)?.[1];
  const exits = await cluster.stop();
  // Graceful exits: code 0 from every server and worker after SIGTERM (no sanitizer findings).
  for (const { name, kind, exit } of exits) {
    if (kind === 'server' || kind === 'worker') assert.deepEqual(exit, { code: 0, signal: null }, `${name} exit`);
  }
  assert.equal(exits.length, cluster.procs.length, 'every process was running at the end');
  // Nothing of the cluster runs any more: no child of this process, no process naming the
  // cluster's directories (PostgreSQL's server is not our child: pg_ctl detaches it).
  const left = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmdline = (await readFile(`/proc/${entry}/cmdline`, 'utf8')).replaceAll('\0', ' ');
      if (ppid === process.pid || cmdline.includes(cluster.dir) || (pgDir && cmdline.includes(pgDir))) {
        left.push(`${entry}: ${cmdline}`);
      }
    } catch {
      // gone meanwhile
    }
  }
  assert.deepEqual(left, [], 'processes left after stop()');
});

/** Requests each server counted (vitrina_http_requests_total), without the scrapes themselves. */
async function requestsServed(server) {
  const text = await (await fetch(`${server.baseURL}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
  let total = 0;
  for (const m of text.matchAll(/^vitrina_http_requests_total\{([^}]*)\} (\d+)/gm)) {
    if (!m[1].includes('route="metrics"')) total += Number(m[2]);
  }
  return total;
}

async function eventually(what, fn, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn().catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

test('a cluster behind nginx: both servers serve, live events cross servers, killed processes come back', { timeout: 120_000 }, async (t) => {
  const c = /** @type {NonNullable<typeof cluster>} */ (cluster);
  try {
    assert.equal(c.servers.length, 2);
    assert.equal(c.workers.length, 2);
    assert.equal(c.janus.length, 2);
    assert.ok(c.nginx && c.baseURL === c.nginx.baseURL);
    assert.ok(c.procs.every((p) => p.alive()), 'every process runs');

    // Through nginx: two users, a listing, a conversation, a few reads.
    const before = await Promise.all(c.servers.map(requestsServed));
    const seller = await registerViaAPI(c.baseURL, makeUser('seller'));
    const buyer = await registerViaAPI(c.baseURL, makeUser('buyer'));
    const listing = await apiRequest(c.baseURL, 'POST', '/api/v1/listings', {
      token: seller.token,
      body: { title: `Cluster lamp ${Date.now().toString(36)}`, description: 'Two servers, one database.', price: 1500, vertical: 'goods' },
    });
    assert.equal(listing.status, 201, listing.text);
    const conversation = await apiRequest(c.baseURL, 'POST', `/api/v1/listings/${listing.json.id}/conversations`, {
      token: buyer.token,
    });
    assert.equal(conversation.status, 201, conversation.text);
    for (let i = 0; i < 6; i++) {
      const me = await apiRequest(c.baseURL, 'GET', '/api/v1/me', { token: i % 2 ? buyer.token : seller.token });
      assert.equal(me.status, 200, me.text);
    }
    const afterRequests = await Promise.all(c.servers.map(requestsServed));
    for (const [i, server] of c.servers.entries()) {
      assert.ok(afterRequests[i] > before[i], `${server.name} served requests through nginx (${before[i]} → ${afterRequests[i]})`);
    }

    // The seller's socket (through nginx, on one server or the other) gets the buyer's messages
    // posted on each server directly: one of them is necessarily the other server.
    const ws = await openWebSocket(c.baseURL, '/api/v1/ws', { token: seller.token });
    try {
      await ws.next((e) => e.type === 'hello');
      for (const server of c.servers) {
        const text = `Hello via ${server.name}`;
        const posted = await apiRequest(server.baseURL, 'POST', `/api/v1/conversations/${conversation.json.id}/messages`, {
          token: buyer.token,
          body: { text },
        });
        assert.equal(posted.status, 201, posted.text);
        await ws.next((e) => e.type === 'message' && e.message?.text === text);
      }
    } finally {
      ws.close();
    }

    // The Janus nodes' events reach a server through nginx (configured by `vitrina media
    // janus-config`: URL, user and secret): a session created on the node is an event.
    for (const node of c.janus) {
      const session = await apiRequest(node.apiURL, 'POST', '/janus', { body: { janus: 'create', transaction: 't1' } });
      assert.equal(session.json?.janus, 'success', session.text);
    }
    await eventually('Janus events accepted through nginx (204 in its access log)', async () => {
      const log = await readFile(path.join(c.nginx.dir, 'access.log'), 'utf8');
      return /"POST \/api\/v1\/internal\/janus\/events HTTP\/1\.1" 204/.test(log);
    }, 15_000);

    // server-0 dies: nginx skips it, nothing fails; the Janus events location still answers.
    const killed = await c.servers[0].kill();
    assert.equal(killed.signal, 'SIGKILL');
    assert.equal(c.servers[0].alive(), false);
    for (let i = 0; i < 8; i++) {
      const me = await apiRequest(c.baseURL, 'GET', '/api/v1/me', { token: seller.token });
      assert.equal(me.status, 200, `request ${i} with server-0 down: ${me.status} ${me.text}`);
    }
    const events = await fetch(`${c.baseURL}/api/v1/internal/janus/events`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`janus:${c.env.VITRINA_MEDIA_EVENTS_SECRET}`).toString('base64')}`,
        'content-type': 'application/json',
      },
      body: '[]',
    });
    assert.equal(events.status, 204, `Janus events through nginx with server-0 down: ${events.status}`);
    const otherInternal = await fetch(`${c.baseURL}/api/v1/internal/anything`);
    assert.equal(otherInternal.status, 404, 'the rest of /api/v1/internal/ is closed at nginx');

    const oldPid = c.servers[0].pid();
    await c.servers[0].restart();
    assert.ok(c.servers[0].alive() && c.servers[0].pid() !== oldPid, 'server-0 runs again');
    const back = await requestsServed(c.servers[0]);
    for (let i = 0; i < 6; i++) await apiRequest(c.baseURL, 'GET', '/api/v1/me', { token: seller.token });
    assert.ok((await requestsServed(c.servers[0])) > back, 'nginx sends requests to server-0 again');

    // janus-0 dies: the servers see one node of two up (health checks every 5 s), then both.
    const mediaUp = async (n) => {
      for (const server of c.servers) {
        const r = await apiRequest(server.baseURL, 'GET', '/readyz');
        if (r.status !== 200 || r.json.media?.nodes !== 2 || r.json.media?.up !== n) return false;
      }
      return true;
    };
    await eventually('both media nodes up', () => mediaUp(2), 15_000);
    assert.equal((await c.janus[0].kill()).signal, 'SIGKILL');
    await eventually('janus-0 seen down by both servers', () => mediaUp(1), 15_000);
    await c.janus[0].restart();
    await eventually('janus-0 seen up again by both servers', () => mediaUp(2), 15_000);

    assert.ok(c.workers.every((w) => w.alive()), 'every worker still runs');
    assert.ok(c.procs.every((p) => p.alive()), 'every process runs at the end');
  } catch (err) {
    t.diagnostic(c.logs());
    throw err;
  }
});
