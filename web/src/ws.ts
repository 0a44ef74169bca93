// The tab's single WebSocket to /api/v1/ws.
//
// Authenticated by the session cookie. Reconnects with exponential backoff
// (with jitter) while the user is logged in, pings periodically so idle proxies
// keep the connection, and fans incoming events out to subscribers. Subscribers
// also get a synthetic `open` event on every (re)connect so they can refetch
// whatever they may have missed while disconnected.

import type { ServerEvent } from './types';

export type SocketEvent = ServerEvent | { type: 'open' } | { type: 'close' };
export type SocketListener = (ev: SocketEvent) => void;

const PING_INTERVAL_MS = 25_000;
const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 30_000;

/** Exposes the connection state as <html data-ws="open|closed|off"> (handy for tests and styling). */
function setStateAttr(state: 'open' | 'closed' | 'off'): void {
  document.documentElement.dataset.ws = state;
}

class RealtimeSocket {
  private ws: WebSocket | null = null;
  private listeners = new Set<SocketListener>();
  private wanted = false;
  private attempt = 0;
  private reconnectTimer: number | null = null;
  private pingTimer: number | null = null;
  private connectedFlag = false;

  get connected(): boolean {
    return this.connectedFlag;
  }

  constructor() {
    window.addEventListener('online', () => this.reconnectNow());
  }

  /** Opens the socket (idempotent) and keeps it open until stop(). */
  start(): void {
    this.wanted = true;
    if (!this.ws && this.reconnectTimer === null) this.open();
  }

  stop(): void {
    this.wanted = false;
    this.attempt = 0;
    if (this.reconnectTimer !== null) {
      window.clearTimeout(this.reconnectTimer);
      this.reconnectTimer = null;
    }
    this.stopPing();
    const ws = this.ws;
    this.ws = null;
    this.connectedFlag = false;
    setStateAttr('off');
    if (ws) {
      ws.onclose = null;
      ws.close(1000, 'logout');
    }
  }

  subscribe(fn: SocketListener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private emit(ev: SocketEvent): void {
    for (const fn of [...this.listeners]) {
      try {
        fn(ev);
      } catch (e) {
        console.error('ws listener failed', e);
      }
    }
  }

  private open(): void {
    const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(`${scheme}//${window.location.host}/api/v1/ws`);
    this.ws = ws;

    ws.onopen = () => {
      this.attempt = 0;
      this.connectedFlag = true;
      setStateAttr('open');
      this.startPing();
      this.emit({ type: 'open' });
    };
    ws.onmessage = (msg: MessageEvent) => {
      if (typeof msg.data !== 'string') return;
      let ev: ServerEvent;
      try {
        ev = JSON.parse(msg.data) as ServerEvent;
      } catch {
        return;
      }
      if (ev && typeof ev.type === 'string') this.emit(ev);
    };
    ws.onclose = () => {
      const wasConnected = this.connectedFlag;
      this.ws = null;
      this.connectedFlag = false;
      setStateAttr('closed');
      this.stopPing();
      if (wasConnected) this.emit({ type: 'close' });
      if (this.wanted) this.scheduleReconnect();
    };
    // onerror is always followed by onclose; nothing to do here.
    ws.onerror = () => {};
  }

  /** Skips the remaining backoff, e.g. when the network comes back. */
  private reconnectNow(): void {
    if (!this.wanted || this.ws) return;
    if (this.reconnectTimer !== null) {
      window.clearTimeout(this.reconnectTimer);
      this.reconnectTimer = null;
    }
    this.attempt = 0;
    this.open();
  }

  private scheduleReconnect(): void {
    const base = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** this.attempt);
    const delay = base / 2 + Math.random() * (base / 2);
    this.attempt += 1;
    this.reconnectTimer = window.setTimeout(() => {
      this.reconnectTimer = null;
      if (this.wanted && !this.ws) this.open();
    }, delay);
  }

  private startPing(): void {
    this.stopPing();
    this.pingTimer = window.setInterval(() => {
      if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify({ type: 'ping' }));
    }, PING_INTERVAL_MS);
  }

  private stopPing(): void {
    if (this.pingTimer !== null) {
      window.clearInterval(this.pingTimer);
      this.pingTimer = null;
    }
  }
}

export const realtime = new RealtimeSocket();
