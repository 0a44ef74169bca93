// A minimal WebSocket client for browser-free tests (Node 20 has no WebSocket without a flag):
// text frames in, pings answered, close. Enough to watch vitrina's /api/v1/ws.
//
//   const ws = await openWebSocket(baseURL, '/api/v1/ws', { token });
//   const ev = await ws.next((e) => e.type === 'message.created', 10_000);  // parsed JSON
//   ws.close();

import { randomBytes } from 'node:crypto';
import http from 'node:http';

function frame(opcode, payload = Buffer.alloc(0)) {
  // Client frames are masked (RFC 6455 5.3); payloads here are small control or text frames.
  const mask = randomBytes(4);
  const len = payload.length;
  const header = len < 126 ? Buffer.from([0x80 | opcode, 0x80 | len]) : Buffer.from([0x80 | opcode, 0x80 | 126, len >> 8, len & 0xff]);
  const body = Buffer.from(payload);
  for (let i = 0; i < body.length; i++) body[i] ^= mask[i % 4];
  return Buffer.concat([header, mask, body]);
}

/**
 * Opens a WebSocket with an optional Bearer token; rejects with the HTTP status and body if the
 * server does not switch protocols.
 * @param {string} baseURL http://host:port
 * @param {string} path e.g. /api/v1/ws
 * @param {{token?: string, headers?: Record<string,string>, timeoutMs?: number}} [opts]
 */
export function openWebSocket(baseURL, path, opts = {}) {
  const url = new URL(path, baseURL);
  const headers = {
    Connection: 'Upgrade',
    Upgrade: 'websocket',
    'Sec-WebSocket-Version': '13',
    'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
    ...(opts.token ? { Authorization: `Bearer ${opts.token}` } : {}),
    ...(opts.headers ?? {}),
  };
  return new Promise((resolve, reject) => {
    const req = http.request(url, { headers, timeout: opts.timeoutMs ?? 10_000 });
    req.on('timeout', () => req.destroy(new Error(`WebSocket ${url}: no answer`)));
    req.on('error', reject);
    req.on('response', (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => reject(new Error(`WebSocket ${url}: HTTP ${res.statusCode} ${body}`)));
    });
    req.on('upgrade', (res, socket, head) => {
      socket.setTimeout(0);
      /** @type {any[]} */
      const events = [];
      /** @type {{pred: (e: any) => boolean, resolve: (e: any) => void}[]} */
      let waiters = [];
      let closed = false;
      let buf = head ?? Buffer.alloc(0);
      let fragments = [];

      const deliver = (text) => {
        let ev;
        try {
          ev = JSON.parse(text);
        } catch {
          ev = text;
        }
        events.push(ev);
        waiters = waiters.filter((w) => {
          if (!w.pred(ev)) return true;
          w.resolve(ev);
          return false;
        });
      };
      const parse = () => {
        for (;;) {
          if (buf.length < 2) return;
          const fin = (buf[0] & 0x80) !== 0;
          const opcode = buf[0] & 0x0f;
          let len = buf[1] & 0x7f;
          let off = 2;
          if (len === 126) {
            if (buf.length < 4) return;
            len = buf.readUInt16BE(2);
            off = 4;
          } else if (len === 127) {
            if (buf.length < 10) return;
            len = Number(buf.readBigUInt64BE(2));
            off = 10;
          }
          if (buf[1] & 0x80) off += 4; // servers do not mask, but be lenient
          if (buf.length < off + len) return;
          const payload = buf.subarray(off, off + len);
          buf = buf.subarray(off + len);
          if (opcode === 0x9) socket.write(frame(0xa, payload)); // ping → pong
          else if (opcode === 0x8) {
            closed = true;
            socket.end();
          } else if (opcode === 0x1 || opcode === 0x0) {
            fragments.push(Buffer.from(payload));
            if (fin) {
              deliver(Buffer.concat(fragments).toString('utf8'));
              fragments = [];
            }
          }
        }
      };
      socket.on('data', (chunk) => {
        buf = Buffer.concat([buf, chunk]);
        parse();
      });
      socket.on('close', () => {
        closed = true;
      });
      socket.on('error', () => {});
      parse();

      resolve({
        events,
        closed: () => closed,
        /** The first event (past or future) for which `pred` holds; rejects after `timeoutMs`. */
        next(pred, timeoutMs = 10_000) {
          const found = events.find(pred);
          if (found !== undefined) return Promise.resolve(found);
          return new Promise((res, rej) => {
            const w = { pred, resolve: (e) => (clearTimeout(timer), res(e)) };
            const timer = setTimeout(() => {
              waiters = waiters.filter((x) => x !== w);
              rej(new Error(`WebSocket ${url}: no matching event within ${timeoutMs} ms; got ${JSON.stringify(events).slice(0, 2000)}`));
            }, timeoutMs);
            waiters.push(w);
          });
        },
        /** Sends a text frame. */
        send(text) {
          socket.write(frame(0x1, Buffer.from(text)));
        },
        close() {
          if (!socket.destroyed) {
            socket.write(frame(0x8, Buffer.from([0x03, 0xe8])));
            socket.end();
          }
          closed = true;
        },
      });
    });
    req.end();
  });
}
