// One browser's side of a recorded video call: camera/microphone, the Janus session
// (VideoRoom plugin: one publisher handle for our feed, one subscriber handle for the
// other participant's feed) and recovery from network and media-server trouble.
//
// Flow (docs/calls.md): POST /calls/{id}/join {consent:true} → {call, media} →
// new Janus({server: media.janus_url, iceServers: media.ice_servers}) → attach
// janus.plugin.videoroom → join as publisher {room, pin, token, id: participant_id,
// display} → createOffer (audio+video, send only) → publish; every `publishers` event
// naming the other feed → a second handle joins as subscriber {streams: [{feed}],
// private_id} → createAnswer → start. The room requires `private_id` from subscribers
// (Janus `require_pvtid`): it is the one Janus gave our publisher in its `joined` event,
// valid while that publisher is in the room, so every new publisher join (a rejoin
// after a session loss) brings a new one and older subscriptions are started over.
//
// Recovery: ICE disconnected/failed on the publisher → `reconnecting` and an ICE restart
// (createOffer {iceRestart: true} + configure). Janus session lost (WebSocket closed,
// Janus restarted, room destroyed, handle hung up) → claim the session once if the
// transport only blipped, otherwise tear everything down and, with backoff: reach Janus,
// POST /join again (the server recreates the room) and re-publish/re-subscribe.
// 60 s without getting back to `connected` → `failed`. 503 media_unavailable → `failed`.
//
// The class knows nothing about React: the page subscribes to snapshots.

import Janus, { type JanusJS } from 'janus-gateway';
import adapter from 'webrtc-adapter';
import { ApiError, api } from '../api';
import type { Call, CallMedia } from '../types';

export type CallUiState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'ended' | 'failed';

export type CallProblem =
  | { kind: 'api'; error: ApiError }
  | { kind: 'devices'; name: string }
  | { kind: 'timeout' }
  | { kind: 'switch_camera'; name: string };

export interface CallSnapshot {
  state: CallUiState;
  local: MediaStream | null;
  remote: MediaStream | null;
  /** The other participant's feed is in the room and we are subscribed to it. */
  remotePresent: boolean;
  hasAudio: boolean;
  hasVideo: boolean;
  micOn: boolean;
  camOn: boolean;
  facing: 'user' | 'environment';
  switching: boolean;
  /** Wall-clock ms of the first time the call got connected (for the timer). */
  connectedAt: number | null;
  problem: CallProblem | null;
}

type Handle = JanusJS.PluginHandle;
type FeedId = number | string;

const PLUGIN = 'janus.plugin.videoroom';
const RECOVERY_BUDGET_MS = 60_000;
const ICE_DISCONNECTED_GRACE_MS = 2_000;
const ICE_RESTART_TIMEOUT_MS = 10_000;
const BACKOFF_MS = [500, 1_000, 2_000, 3_000, 5_000];
const JANUS_CONNECT_TIMEOUT_MS = 8_000;

let janusReady: Promise<void> | null = null;

function initJanus(): Promise<void> {
  if (!janusReady) {
    let debug: boolean | 'all' = false;
    try {
      debug = window.localStorage.getItem('vitrina_janus_debug') ? 'all' : false;
    } catch {
      // storage disabled
    }
    janusReady = new Promise((resolve) => {
      Janus.init({
        debug,
        dependencies: Janus.useDefaultDependencies({ adapter }),
        callback: () => resolve(),
      });
    });
  }
  return janusReady;
}

function isFinal(c: Call): boolean {
  return c.state !== 'proposed' && c.state !== 'accepted' && c.state !== 'active';
}

function errorName(e: unknown): string {
  if (e && typeof e === 'object' && 'name' in e && typeof (e as { name: unknown }).name === 'string') {
    return (e as { name: string }).name;
  }
  return 'Error';
}

/** Marks a track we own so janus.js never stops it when it cleans up a PeerConnection. */
function keep(track: MediaStreamTrack): MediaStreamTrack {
  (track as MediaStreamTrack & { dontStop?: boolean }).dontStop = true;
  return track;
}

/** What the page shows before (or without) a session. */
export const IDLE_SNAPSHOT: CallSnapshot = {
  state: 'idle',
  local: null,
  remote: null,
  remotePresent: false,
  hasAudio: false,
  hasVideo: false,
  micOn: true,
  camOn: true,
  facing: 'user',
  switching: false,
  connectedAt: null,
  problem: null,
};

export class CallSession {
  private snap: CallSnapshot = { ...IDLE_SNAPSHOT };
  private listeners = new Set<() => void>();

  /** Bumped for every fresh attempt; callbacks of older Janus sessions compare and bail out. */
  private gen = 0;
  private janus: JanusJS.Janus | null = null;
  private publisher: Handle | null = null;
  private subscriber: Handle | null = null;
  private subscribedFeed: FeedId | null = null;
  /** Janus's private_id of our publisher in the room (from `joined`); subscribing needs it. */
  private privateId: number | null = null;
  private media: CallMedia | null = null;
  private audioTrack: MediaStreamTrack | null = null;
  private videoTrack: MediaStreamTrack | null = null;
  private remoteTracks = new Map<string, MediaStreamTrack>();

  private webrtcUp = false;
  private iceRestarting = false;
  private claimTried = false;
  private claimPending = false;
  private hangingUp = false;
  private recoveryAttempt = 0;
  private troubleSince: number | null = null;
  private troubleTimer: number | null = null;
  private iceTimer: number | null = null;
  private retryTimer: number | null = null;
  private disposed = false;

  constructor(
    private readonly callId: string,
    /** Every call object the server returns (join, hangup) goes back to the page. */
    private readonly onCall: (call: Call) => void,
  ) {}

  // ---------- subscription (useSyncExternalStore) ----------

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  getSnapshot = (): CallSnapshot => this.snap;

  private set(patch: Partial<CallSnapshot>): void {
    this.snap = { ...this.snap, ...patch };
    for (const fn of [...this.listeners]) fn();
  }

  // ---------- test hooks ----------

  publisherPc(): RTCPeerConnection | null {
    return this.publisher?.webrtcStuff?.pc ?? null;
  }

  subscriberPc(): RTCPeerConnection | null {
    return this.subscriber?.webrtcStuff?.pc ?? null;
  }

  // ---------- public actions ----------

  get state(): CallUiState {
    return this.snap.state;
  }

  /** The user clicked Join (after seeing the recording notice). */
  async join(): Promise<void> {
    if (this.disposed) return;
    if (this.snap.state !== 'idle' && this.snap.state !== 'failed') return;
    this.gen += 1;
    const gen = this.gen;
    this.recoveryAttempt = 0;
    this.claimTried = false;
    this.set({ state: 'connecting', problem: null, connectedAt: null });

    try {
      await this.acquireDevices();
    } catch (e) {
      if (gen !== this.gen) return;
      this.set({ state: 'idle', problem: { kind: 'devices', name: errorName(e) } });
      return;
    }
    if (gen !== this.gen || this.disposed) return;
    // The 60 s budget starts after the permission prompt (a user may take a while there).
    this.startTroubleClock();

    let media: CallMedia;
    try {
      const grant = await api.joinCall(this.callId);
      this.onCall(grant.call);
      media = grant.media;
    } catch (e) {
      if (this.disposed) return;
      if (gen !== this.gen) {
        // The server's push (call failed) got here first: still say why.
        if (this.snap.state === 'failed' && !this.snap.problem && e instanceof ApiError) {
          this.set({ problem: { kind: 'api', error: e } });
        }
        return;
      }
      this.handleJoinError(e, true);
      return;
    }
    if (gen !== this.gen || this.disposed) return;
    this.media = media;

    try {
      this.janus = await this.openJanus(media, gen);
    } catch {
      // Janus unreachable although the server could reach it: recover like after a loss.
      if (gen === this.gen) this.sessionLost(gen, 'connect');
      return;
    }
    if (gen !== this.gen) return;
    this.attachPublisher(gen);
  }

  /** Hang-up button: tell the server, then leave the media server. */
  async hangup(): Promise<void> {
    const st = this.snap.state;
    if (st === 'idle' || st === 'ended' || this.hangingUp) return;
    this.hangingUp = true;
    this.gen += 1; // ignore anything the old session still reports
    let problem: CallProblem | null = null;
    try {
      const call = await api.hangupCall(this.callId);
      this.onCall(call);
    } catch (e) {
      // The call may already be over (the other side hung up first): that is fine.
      if (e instanceof ApiError && e.code !== 'call_ended' && e.code !== 'invalid_state') problem = { kind: 'api', error: e };
    }
    this.hangingUp = false;
    this.finish('ended', problem);
  }

  /** The server says the call is over (WebSocket push or a refetch). */
  applyServerCall(call: Call): void {
    if (call.id !== this.callId) return;
    const st = this.snap.state;
    if (st === 'idle' || st === 'ended' || st === 'failed') return;
    if (call.state === 'failed') this.finish('failed', this.snap.problem);
    else if (isFinal(call)) this.finish('ended', null);
  }

  toggleMic(): void {
    const t = this.audioTrack;
    if (!t) return;
    t.enabled = !t.enabled;
    this.set({ micOn: t.enabled });
  }

  toggleCamera(): void {
    const t = this.videoTrack;
    if (!t) return;
    t.enabled = !t.enabled;
    this.set({ camOn: t.enabled });
  }

  /** Front/back camera: a new capture with the other facingMode, swapped into the sender. */
  async switchCamera(): Promise<void> {
    const old = this.videoTrack;
    if (!old || this.snap.switching) return;
    const next = this.snap.facing === 'user' ? 'environment' : 'user';
    this.set({ switching: true });
    let fresh: MediaStreamTrack | null = null;
    let failure: unknown = null;
    const capture = async (facingMode: ConstrainDOMString): Promise<MediaStreamTrack> => {
      const s = await navigator.mediaDevices.getUserMedia({ video: { facingMode, width: { ideal: 640 }, height: { ideal: 480 } } });
      const t = s.getVideoTracks()[0];
      if (!t) throw new DOMException('no video track', 'NotFoundError');
      return t;
    };
    try {
      try {
        fresh = await capture({ exact: next });
      } catch (e) {
        const name = errorName(e);
        if (name === 'NotReadableError' || name === 'AbortError') {
          // Some phones cannot open a second camera while the first one is on.
          old.stop();
          fresh = await capture({ exact: next }).catch(() => capture(next));
        } else {
          // No camera facing that way (a laptop, a single fake camera): take what there is.
          fresh = await capture(next);
        }
      }
    } catch (e) {
      failure = e;
    }
    if (this.disposed || this.videoTrack !== old || this.snap.state === 'ended' || this.snap.state === 'failed') {
      fresh?.stop();
      this.set({ switching: false });
      return;
    }
    if (!fresh) {
      if (old.readyState === 'ended') {
        // We gave the old camera up and got nothing back: try the previous facing again.
        try {
          fresh = await capture(this.snap.facing);
        } catch {
          fresh = null;
        }
      }
      if (!fresh) {
        this.set({ switching: false, problem: { kind: 'switch_camera', name: errorName(failure) } });
        return;
      }
    }
    keep(fresh);
    fresh.enabled = old.enabled;
    const sender = this.videoSender();
    if (sender) {
      try {
        await sender.replaceTrack(fresh);
      } catch {
        // The PeerConnection is being replaced; the next publish takes this.videoTrack.
      }
    }
    if (old !== fresh) old.stop();
    this.videoTrack = fresh;
    const reported = fresh.getSettings ? fresh.getSettings().facingMode : undefined;
    const facing: 'user' | 'environment' = reported === 'environment' || reported === 'user' ? reported : next;
    this.set({
      switching: false,
      local: this.buildLocalStream(),
      facing,
      problem: this.snap.problem?.kind === 'switch_camera' ? null : this.snap.problem,
    });
  }

  /** Page unmount: leave the media server quietly (no hang-up: the server notices the leave). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.gen += 1;
    this.clearTimers();
    this.teardownJanus();
    this.stopDevices();
    this.listeners.clear();
  }

  // ---------- devices ----------

  private async acquireDevices(): Promise<void> {
    if (this.audioTrack?.readyState === 'live' || this.videoTrack?.readyState === 'live') return;
    if (!navigator.mediaDevices?.getUserMedia) throw new DOMException('getUserMedia unavailable', 'NotSupportedError');
    const video: MediaTrackConstraints = { facingMode: 'user', width: { ideal: 640 }, height: { ideal: 480 } };
    const attempts: MediaStreamConstraints[] = [{ audio: true, video }, { audio: true }, { video }];
    let first: unknown = null;
    for (const c of attempts) {
      try {
        const stream = await navigator.mediaDevices.getUserMedia(c);
        const a = stream.getAudioTracks()[0] ?? null;
        const v = stream.getVideoTracks()[0] ?? null;
        if (this.disposed) {
          stream.getTracks().forEach((t) => t.stop());
          return;
        }
        this.audioTrack = a ? keep(a) : null;
        this.videoTrack = v ? keep(v) : null;
        const settings = v?.getSettings ? v.getSettings() : {};
        this.set({
          local: this.buildLocalStream(),
          hasAudio: !!a,
          hasVideo: !!v,
          micOn: true,
          camOn: true,
          facing: settings.facingMode === 'environment' ? 'environment' : 'user',
        });
        return;
      } catch (e) {
        first ??= e;
        // Permission refused: asking again with fewer devices will not help.
        if (errorName(e) === 'NotAllowedError' || errorName(e) === 'SecurityError') break;
      }
    }
    throw first;
  }

  private buildLocalStream(): MediaStream {
    const tracks = [this.audioTrack, this.videoTrack].filter((t): t is MediaStreamTrack => !!t);
    return new MediaStream(tracks);
  }

  private stopDevices(): void {
    this.audioTrack?.stop();
    this.videoTrack?.stop();
    this.audioTrack = null;
    this.videoTrack = null;
    if (!this.disposed) this.set({ local: null });
  }

  private videoSender(): RTCRtpSender | null {
    const pc = this.publisherPc();
    if (!pc) return null;
    for (const t of pc.getTransceivers()) {
      if (t.sender.track?.kind === 'video') return t.sender;
    }
    for (const t of pc.getTransceivers()) {
      if (t.receiver.track?.kind === 'video' && t.direction !== 'recvonly' && t.direction !== 'inactive') return t.sender;
    }
    return null;
  }

  // ---------- Janus ----------

  /** Creates a Janus session; resolves once it exists. Later losses go to sessionLost(gen). */
  private async openJanus(media: CallMedia, gen: number): Promise<JanusJS.Janus> {
    await initJanus();
    return new Promise<JanusJS.Janus>((resolve, reject) => {
      let settled = false;
      let janus: JanusJS.Janus | null = null;
      const timer = window.setTimeout(() => {
        if (settled) return;
        settled = true;
        try {
          janus?.destroy({ cleanupHandles: true, notifyDestroyed: false });
        } catch {
          // ignore
        }
        reject(new Error('janus connect timeout'));
      }, JANUS_CONNECT_TIMEOUT_MS);
      janus = new Janus({
        server: media.janus_url,
        iceServers: media.ice_servers ?? [],
        destroyOnUnload: true,
        success: () => {
          if (settled) return;
          settled = true;
          window.clearTimeout(timer);
          resolve(janus as JanusJS.Janus);
        },
        error: (err: unknown) => {
          if (!settled) {
            settled = true;
            window.clearTimeout(timer);
            reject(new Error(String(err)));
            return;
          }
          if (janus === this.janus) this.sessionLost(gen, 'janus');
        },
        destroyed: () => {
          if (settled && janus === this.janus) this.sessionLost(gen, 'destroyed');
        },
      });
    });
  }

  private attachPublisher(gen: number): void {
    const janus = this.janus;
    const media = this.media;
    if (!janus || !media) return;
    janus.attach({
      plugin: PLUGIN,
      opaqueId: `vitrina-call-${this.callId}`,
      success: (handle) => {
        if (gen !== this.gen) {
          handle.detach();
          return;
        }
        this.publisher = handle;
        handle.send({
          message: {
            request: 'join',
            ptype: 'publisher',
            room: media.room,
            pin: media.pin,
            token: media.token,
            id: media.participant_id,
            display: media.display,
          },
        });
      },
      error: () => this.sessionLost(gen, 'attach'),
      onmessage: (msg, jsep) => this.onPublisherMessage(gen, msg, jsep),
      webrtcState: (up: boolean) => {
        if (gen !== this.gen) return;
        if (up) {
          this.webrtcUp = true;
          this.connected();
        } else {
          // Janus closed our PeerConnection (e.g. DTLS alert, kicked): start over.
          this.sessionLost(gen, 'hangup');
        }
      },
      iceState: (state) => this.onPublisherIce(gen, state),
    });
  }

  private onPublisherMessage(gen: number, msg: JanusJS.Message, jsep?: JanusJS.JSEP): void {
    if (gen !== this.gen) return;
    const ev = msg['videoroom'] as string | undefined;
    if (ev === 'joined') {
      const pvt = msg['private_id'];
      this.privateId = typeof pvt === 'number' && pvt > 0 ? pvt : null;
      this.publish(gen);
      this.considerPublishers(gen, msg['publishers']);
    } else if (ev === 'destroyed') {
      // The room is gone (server side reset): ask the server for a fresh grant.
      this.sessionLost(gen, 'room destroyed');
      return;
    } else if (ev === 'event') {
      if (msg['error_code'] || msg['error']) {
        // Join refused (426 no such room, 433 unauthorized, 436 id taken, ...) or publish failed.
        this.sessionLost(gen, `videoroom error ${String(msg['error_code'] ?? '')}`);
        return;
      }
      if (msg['publishers']) this.considerPublishers(gen, msg['publishers']);
      const gone = msg['leaving'] ?? msg['unpublished'];
      if (gone !== undefined && gone !== 'ok' && this.subscribedFeed !== null && String(gone) === String(this.subscribedFeed)) {
        this.dropSubscriber();
      }
      if (msg['leaving'] === 'ok' || msg['kicked'] !== undefined) {
        this.sessionLost(gen, 'left room');
        return;
      }
    }
    if (jsep && this.publisher) {
      this.publisher.handleRemoteJsep({ jsep, error: () => this.sessionLost(gen, 'remote sdp') });
    }
  }

  private publish(gen: number): void {
    const handle = this.publisher;
    if (!handle) return;
    const tracks: JanusJS.TrackOption[] = [];
    if (this.audioTrack) tracks.push({ type: 'audio', capture: this.audioTrack, recv: false, dontStop: true });
    if (this.videoTrack) tracks.push({ type: 'video', capture: this.videoTrack, recv: false, dontStop: true });
    handle.createOffer({
      tracks,
      success: (offer) => {
        if (gen !== this.gen) return;
        handle.send({ message: { request: 'publish' }, jsep: offer });
      },
      error: () => this.sessionLost(gen, 'offer'),
    });
  }

  private onPublisherIce(gen: number, state: string): void {
    if (gen !== this.gen) return;
    if (state === 'connected' || state === 'completed') {
      if (this.iceTimer !== null) {
        window.clearTimeout(this.iceTimer);
        this.iceTimer = null;
      }
      this.iceRestarting = false;
      if (this.webrtcUp) this.connected();
    } else if (state === 'disconnected') {
      if (this.snap.state === 'connected') this.troubled();
      if (this.iceTimer === null && !this.iceRestarting) {
        this.iceTimer = window.setTimeout(() => {
          this.iceTimer = null;
          const pc = this.publisherPc();
          if (gen === this.gen && pc && pc.iceConnectionState !== 'connected' && pc.iceConnectionState !== 'completed') {
            this.iceRestart(gen);
          }
        }, ICE_DISCONNECTED_GRACE_MS);
      }
    } else if (state === 'failed') {
      this.troubled();
      this.iceRestart(gen);
    }
  }

  private iceRestart(gen: number): void {
    const handle = this.publisher;
    if (!handle || this.iceRestarting || !this.janus?.isConnected()) {
      if (!this.janus?.isConnected()) this.sessionLost(gen, 'ice without session');
      return;
    }
    this.iceRestarting = true;
    handle.createOffer({
      iceRestart: true,
      success: (offer) => {
        if (gen !== this.gen) return;
        handle.send({ message: { request: 'configure' }, jsep: offer });
      },
      error: () => this.sessionLost(gen, 'ice restart offer'),
    });
    // Nudge the subscriber too: Janus answers with a fresh offer carrying new ICE credentials.
    this.subscriber?.send({ message: { request: 'configure', restart: true } });
    if (this.iceTimer !== null) window.clearTimeout(this.iceTimer);
    this.iceTimer = window.setTimeout(() => {
      this.iceTimer = null;
      if (gen === this.gen && this.snap.state !== 'connected') this.sessionLost(gen, 'ice restart timeout');
    }, ICE_RESTART_TIMEOUT_MS);
  }

  private considerPublishers(gen: number, list: unknown): void {
    // Not joined as publisher (yet): the room would refuse the subscription (433).
    if (!Array.isArray(list) || !this.media || this.privateId === null) return;
    const me = String(this.media.participant_id);
    for (const p of list as { id?: FeedId; dummy?: boolean }[]) {
      if (p?.id === undefined || p.dummy || String(p.id) === me) continue;
      if (this.subscribedFeed !== null && String(this.subscribedFeed) === String(p.id)) return;
      this.dropSubscriber();
      this.subscribeFeed(gen, p.id);
      return; // a call has one other participant
    }
  }

  private subscribeFeed(gen: number, feed: FeedId): void {
    const janus = this.janus;
    const media = this.media;
    const privateId = this.privateId;
    if (!janus || !media || privateId === null) return;
    this.subscribedFeed = feed;
    janus.attach({
      plugin: PLUGIN,
      opaqueId: `vitrina-call-${this.callId}`,
      success: (handle) => {
        if (gen !== this.gen || this.subscribedFeed !== feed) {
          handle.detach();
          return;
        }
        this.subscriber = handle;
        handle.send({
          message: {
            request: 'join',
            ptype: 'subscriber',
            room: media.room,
            pin: media.pin,
            private_id: privateId,
            streams: [{ feed }],
          },
        });
      },
      error: () => {
        if (gen === this.gen && this.subscribedFeed === feed) this.subscribedFeed = null;
      },
      onmessage: (msg, jsep) => {
        if (gen !== this.gen || this.subscriber === null || this.subscribedFeed !== feed) return;
        const handle = this.subscriber;
        if (msg['error_code'] || msg['error']) {
          // e.g. 428 no such feed: the other side left meanwhile (a new `publishers` event
          // re-subscribes). Anything else: start the subscription over from the room's list.
          this.dropSubscriber();
          if (Number(msg['error_code']) !== 428) this.refreshPublishers(gen, 1_000);
          return;
        }
        if (jsep) {
          handle.createAnswer({
            jsep,
            tracks: [],
            success: (answer) => {
              if (gen !== this.gen || this.subscriber !== handle) return;
              handle.send({ message: { request: 'start', room: media.room }, jsep: answer });
            },
            error: () => {
              if (gen !== this.gen || this.subscriber !== handle) return;
              this.dropSubscriber();
              this.refreshPublishers(gen, 1_000);
            },
          });
        }
      },
      iceState: (state) => {
        if (gen !== this.gen || this.subscribedFeed !== feed) return;
        if (state === 'failed' && this.snap.state === 'connected') {
          this.subscriber?.send({ message: { request: 'configure', restart: true } });
        }
      },
      onremotetrack: (track, _mid, on) => {
        if (gen !== this.gen || this.subscribedFeed !== feed) return;
        if (on) {
          for (const [id, t] of this.remoteTracks) if (t.kind === track.kind && id !== track.id) this.remoteTracks.delete(id);
          this.remoteTracks.set(track.id, track);
        } else {
          this.remoteTracks.delete(track.id);
        }
        this.set({ remote: this.remoteTracks.size ? new MediaStream([...this.remoteTracks.values()]) : null, remotePresent: true });
      },
      oncleanup: () => {
        if (gen !== this.gen || this.subscribedFeed !== feed) return;
        this.remoteTracks.clear();
        this.set({ remote: null });
      },
    });
    this.set({ remotePresent: true });
  }

  /** Asks the room who publishes (after a broken subscription) and subscribes again. */
  private refreshPublishers(gen: number, delayMs: number): void {
    window.setTimeout(() => {
      const handle = this.publisher;
      const media = this.media;
      if (gen !== this.gen || !handle || !media || this.subscriber) return;
      handle.send({
        message: { request: 'listparticipants', room: media.room },
        success: (data: unknown) => {
          if (gen !== this.gen || this.subscriber) return;
          const list = (data as { participants?: { id?: FeedId; publisher?: boolean }[] } | undefined)?.participants;
          if (Array.isArray(list)) this.considerPublishers(gen, list.filter((p) => p.publisher));
        },
      });
    }, delayMs);
  }

  private dropSubscriber(): void {
    const h = this.subscriber;
    this.subscriber = null;
    this.subscribedFeed = null;
    this.remoteTracks.clear();
    if (h) {
      try {
        h.detach();
      } catch {
        // session may be gone
      }
    }
    if (!this.disposed) this.set({ remote: null, remotePresent: false });
  }

  /** Leaves Janus without touching the camera/microphone. */
  private teardownJanus(): void {
    const janus = this.janus;
    const pub = this.publisher;
    const sub = this.subscriber;
    this.janus = null;
    this.publisher = null;
    this.subscriber = null;
    this.subscribedFeed = null;
    this.privateId = null;
    this.webrtcUp = false;
    this.iceRestarting = false;
    this.remoteTracks.clear();
    if (janus) {
      try {
        if (janus.isConnected()) {
          // Leave the room explicitly: the server learns at once that we are gone.
          pub?.send({ message: { request: 'leave' } });
          sub?.send({ message: { request: 'leave' } });
        }
        janus.destroy({ cleanupHandles: true, notifyDestroyed: false });
      } catch {
        // already gone
      }
    }
    if (!this.disposed) this.set({ remote: null, remotePresent: false });
  }

  // ---------- state ----------

  private connected(): void {
    if (this.snap.state === 'ended' || this.snap.state === 'failed') return;
    this.recoveryAttempt = 0;
    this.claimTried = false;
    this.stopTroubleClock();
    if (this.snap.state !== 'connected') {
      this.set({ state: 'connected', connectedAt: this.snap.connectedAt ?? Date.now(), problem: null });
    }
  }

  private troubled(): void {
    if (this.snap.state === 'ended' || this.snap.state === 'failed' || this.snap.state === 'idle') return;
    if (this.snap.state === 'connected') this.set({ state: 'reconnecting' });
    this.startTroubleClock();
  }

  /** Starts the 60 s recovery budget (if not already running). */
  private startTroubleClock(): void {
    if (this.troubleSince !== null) return;
    this.troubleSince = Date.now();
    this.troubleTimer = window.setTimeout(() => {
      this.troubleTimer = null;
      if (this.snap.state === 'connecting' || this.snap.state === 'reconnecting') this.finish('failed', { kind: 'timeout' });
    }, RECOVERY_BUDGET_MS);
  }

  private stopTroubleClock(): void {
    this.troubleSince = null;
    if (this.troubleTimer !== null) {
      window.clearTimeout(this.troubleTimer);
      this.troubleTimer = null;
    }
  }

  /** The Janus session (or our place in the room) is gone: recover. */
  private sessionLost(gen: number, why: string): void {
    if (gen !== this.gen || this.disposed) return;
    const st = this.snap.state;
    if (st === 'ended' || st === 'failed' || st === 'idle') return;
    if (st === 'connected') this.set({ state: 'reconnecting' });
    this.startTroubleClock();

    // A transport blip with Janus still up: claiming the old session keeps everything.
    const janus = this.janus;
    if (this.claimPending) return; // e.g. error + close of one socket; the claim decides
    if (why === 'janus' && janus && !this.claimTried) {
      this.claimTried = true;
      this.claimPending = true;
      const giveUp = window.setTimeout(() => {
        if (gen === this.gen && this.claimPending) {
          this.claimPending = false;
          this.rejoin();
        }
      }, JANUS_CONNECT_TIMEOUT_MS);
      janus.reconnect({
        success: () => {
          window.clearTimeout(giveUp);
          this.claimPending = false;
          if (gen !== this.gen) return;
          const pc = this.publisherPc();
          if (pc && (pc.iceConnectionState === 'connected' || pc.iceConnectionState === 'completed') && this.webrtcUp) {
            this.connected();
          } else {
            this.iceRestart(gen);
          }
        },
        error: () => {
          window.clearTimeout(giveUp);
          if (gen !== this.gen || !this.claimPending) return;
          this.claimPending = false;
          this.rejoin();
        },
      });
      return;
    }
    this.rejoin();
  }

  /** Drops the current Janus session and schedules a fresh join (with backoff). */
  private rejoin(): void {
    this.gen += 1;
    this.claimPending = false;
    const gen = this.gen;
    this.teardownJanus();
    if (this.iceTimer !== null) {
      window.clearTimeout(this.iceTimer);
      this.iceTimer = null;
    }
    const delay = BACKOFF_MS[Math.min(this.recoveryAttempt, BACKOFF_MS.length - 1)] ?? 5_000;
    this.recoveryAttempt += 1;
    if (this.retryTimer !== null) window.clearTimeout(this.retryTimer);
    this.retryTimer = window.setTimeout(() => {
      this.retryTimer = null;
      void this.recover(gen);
    }, delay);
  }

  private async recover(gen: number): Promise<void> {
    if (gen !== this.gen || this.disposed) return;
    const last = this.media;
    // 1. Wait until the media server answers at all, so that the server's join does not
    //    run into a Janus that is still starting (which would fail the call).
    let janus: JanusJS.Janus | null = null;
    if (last) {
      try {
        janus = await this.openJanus(last, gen);
      } catch {
        if (gen === this.gen) this.rejoin();
        return;
      }
      if (gen !== this.gen) {
        janus.destroy({ cleanupHandles: true, notifyDestroyed: false });
        return;
      }
    }
    // 2. A fresh grant (the server recreates the room if needed).
    let media: CallMedia;
    try {
      const grant = await api.joinCall(this.callId);
      this.onCall(grant.call);
      media = grant.media;
    } catch (e) {
      janus?.destroy({ cleanupHandles: true, notifyDestroyed: false });
      if (gen !== this.gen) return;
      this.handleJoinError(e, false);
      return;
    }
    if (gen !== this.gen) {
      janus?.destroy({ cleanupHandles: true, notifyDestroyed: false });
      return;
    }
    // 3. New server or new ICE servers: reconnect with those.
    if (!janus || !last || last.janus_url !== media.janus_url || JSON.stringify(last.ice_servers) !== JSON.stringify(media.ice_servers)) {
      janus?.destroy({ cleanupHandles: true, notifyDestroyed: false });
      try {
        janus = await this.openJanus(media, gen);
      } catch {
        if (gen === this.gen) this.rejoin();
        return;
      }
      if (gen !== this.gen) {
        janus.destroy({ cleanupHandles: true, notifyDestroyed: false });
        return;
      }
    }
    this.media = media;
    this.janus = janus;
    this.claimTried = false;
    this.attachPublisher(gen);
  }

  private handleJoinError(e: unknown, first: boolean): void {
    const err = e instanceof ApiError ? e : new ApiError(0, 'network_error', 'network error');
    if (err.status === 503 || err.code === 'media_unavailable') {
      this.finish('failed', { kind: 'api', error: err });
    } else if (err.code === 'call_ended' || !first) {
      if (!first && (err.status === 0 || err.status >= 500 || err.status === 429)) {
        this.rejoin(); // transient while recovering: keep trying within the budget
        return;
      }
      // The call is over (the other side hung up, the server gave up on it) or the server
      // refuses us while recovering: the call's own state decides how this ends.
      const gen = this.gen;
      const decide = (c: Call | null) => {
        if (gen !== this.gen) return;
        if (c?.state === 'failed') this.finish('failed', null);
        else if (c && isFinal(c)) this.finish('ended', null);
        else if (err.code === 'call_ended') this.finish('ended', null);
        else this.finish('failed', { kind: 'api', error: err });
      };
      api
        .getCall(this.callId)
        .then((c) => {
          this.onCall(c);
          decide(c);
        })
        .catch(() => decide(null));
    } else {
      // call_not_open, invalid_state, consent_required, ...: back to the join screen.
      this.stopTroubleClock();
      this.teardownJanus();
      this.stopDevices();
      this.set({ state: 'idle', problem: { kind: 'api', error: err } });
    }
  }

  private finish(state: 'ended' | 'failed', problem: CallProblem | null): void {
    if (this.snap.state === 'ended' || this.snap.state === 'failed') {
      // Already over (e.g. the WebSocket push beat the HTTP answer): keep the better explanation.
      if (problem && !this.snap.problem) this.set({ problem });
      return;
    }
    this.gen += 1;
    this.clearTimers();
    this.teardownJanus();
    this.stopDevices();
    this.set({ state, problem, remote: null, remotePresent: false, switching: false });
  }

  private clearTimers(): void {
    this.stopTroubleClock();
    for (const t of [this.iceTimer, this.retryTimer]) if (t !== null) window.clearTimeout(t);
    this.iceTimer = null;
    this.retryTimer = null;
  }
}

