import type { ReactiveController, ReactiveControllerHost } from "lit";
import type { IceConfig, ServerMessage, ServerMessageOf } from "../../../shared/protocol.ts";
import { CLOSE, DISPLAY_NAME_MAX, isPolite, type Profile } from "../../../shared/wire.ts";
import { type IceServerError, PeerLink } from "../../controllers/peer-link.ts";
import { BACKOFF_MAX_MS, SignalingController, type SignalingStatus } from "../../controllers/signaling-controller.ts";
import type { CallStateReason, JoinedDetail, PeerLeftDetail, RecoveryDetail } from "../events.ts";
import type { EndedState } from "../call-state.ts";
import { DtlsCertificate } from "./dtls-certificate.ts";

/** Failed attempts after which the server counts as unreachable (retries go on). */
const UNREACHABLE_AFTER = 3;
/**
 * After our own resume, how long a peer the server no longer lists may take to come back
 * (the server itself may have restarted, and every peer reconnects with backoff) while its
 * media still flows. Past this, or as soon as its connection drops, it is gone.
 */
const RETURN_WAIT_MS = BACKOFF_MAX_MS + 4000;
/** Retry delay after the server could not take a join (`unavailable`). */
const REJOIN_DELAY_MS = 1000;
/** After `peer-busy`, how long the peer gets to read its queue before what is pending is sent again. */
const PEER_BUSY_RETRY_MS = 1000;
/** Fresh TURN credentials are asked for when half their life is gone, but not more often than this. */
const ICE_REFRESH_MIN_MS = 5000;
/**
 * How long the first connections wait for the camera and microphone. A camera that is
 * allowed starts well within it, and its tracks go in the first offer; past it, someone is
 * answering the browser's prompt, and is better off seeing and hearing the others already.
 */
const CAPTURE_WAIT_MS = 3000;

export interface RoomSessionEvents {
  joined(detail: JoinedDetail): void;
  peerJoined(peer: string): void;
  peerLeft(detail: PeerLeftDetail): void;
  full(room: string, capacity: number): void;
  /** The session is over for a reason the server gave; it has stopped itself. */
  ended(state: EndedState, reason?: CallStateReason, code?: number, text?: string): void;
  /** `peer`'s remote tracks changed. */
  tracks(peer: string, remote: MediaStream): void;
  recovery(detail: RecoveryDetail): void;
  /** A STUN or TURN server could not be used for the link to `peer`. */
  iceError(peer: string, error: IceServerError): void;
  /** `peer` said something over its link's data channel. */
  peerMessage(peer: string, msg: unknown): void;
  /** The data channel to `peer` opened. */
  channelOpen(peer: string): void;
  /** Something the call state depends on changed. */
  changed(): void;
}

export interface RoomSessionOptions {
  /**
   * Called once per call, when the first seat is taken and before any connection is made:
   * the element captures camera and microphone here, so that a full room never lights the
   * camera. Messages from the server wait until it resolves, or for CAPTURE_WAIT_MS at most
   * (a person still answering the browser's prompt sees and hears the others meanwhile, and
   * what is captured later is the element's to send); then the connections are begun and
   * `changed` is told.
   */
  prepare(): Promise<void>;
  /** The element's own ICE servers and policy (added to what the server gives). */
  rtcConfig(): RTCConfiguration;
  /** What a new connection sends. */
  outgoing(): MediaStream | null;
  /** The join token for this room, where the server asks for one. */
  token(): string;
  /** A name to be known by, where the server takes no join tokens. */
  name(): string;
}

/**
 * One element's place in a room: the signaling socket, the seat (join, resume after a drop,
 * leave), the roster of the other peers, and one PeerLink per peer with its recovery.
 *
 * Nothing sent during a gap in signaling is taken for delivered: after each resumed join,
 * and whenever a peer comes back (`peer-resumed`, or `peer-joined` of a peer we still have
 * a link to), every link concerned sends again what may have been lost (`PeerLink.resync`).
 * A link rebuilt from scratch has the next generation (`link` in the protocol); the peer
 * rebuilds at the first offer of it, and ignores whatever is left of older ones.
 */
export class RoomSession implements ReactiveController {
  /** This peer's id in the room (server-assigned), or null. */
  selfId: string | null = null;
  /** Remote peers in the room, linked or not yet, in the order they came. */
  readonly roster = new Set<string>();
  readonly links = new Map<string, PeerLink>();
  /** How the server says each peer is known (a name, verified or not), by id. */
  readonly profiles = new Map<string, Profile>();
  /** Why the session is where it is, while it goes on (e.g. retrying an unavailable join). */
  pending: CallStateReason | undefined;
  private readonly signaling: SignalingController;
  private room = "";
  private resume: string | null = null;
  /** The server has given us our seat on the current socket: relays may go out. */
  private seated = false;
  /** Highest link generation used with each peer, kept after it leaves (it may resume). */
  private readonly generations = new Map<string, number>();
  /** Peers that went missing from a resumed join, waiting to return. */
  private readonly unconfirmed = new Map<string, ReturnType<typeof setTimeout>>();
  private rejoin: ReturnType<typeof setTimeout> | undefined;
  /** The ICE servers and policy the server gave, with when its TURN credentials expire. */
  ice: IceConfig | null = null;
  private iceRefresh: ReturnType<typeof setTimeout> | undefined;
  /** Inside stop(): the state is about to be set by whoever stopped, not derived. */
  private stopping = false;
  /** `prepare` ran (or is running) for this call. */
  private prepared = false;
  /** While `prepare` runs: the messages that came meanwhile, to be handled after it, in order. */
  private backlog: ServerMessage[] | null = null;
  /** Until the first capture is done: when the connections begin without it (CAPTURE_WAIT_MS). */
  private captureWait: ReturnType<typeof setTimeout> | undefined;
  /** Bumped by stop(): work of a call that was stopped meanwhile is dropped. */
  private epoch = 0;
  private readonly certificate = new DtlsCertificate();

  constructor(
    host: ReactiveControllerHost,
    private readonly options: RoomSessionOptions,
    private readonly on: RoomSessionEvents,
  ) {
    host.addController(this);
    this.signaling = new SignalingController(host, {
      message: (m) => this.onMessage(m),
      open: () => this.sendJoin(),
      gone: (code) => this.onGone(code),
      status: () => {
        if (this.signaling.status !== "open") this.seated = false;
        if (!this.stopping) this.on.changed();
      },
    });
  }

  get status(): SignalingStatus {
    return this.signaling.status;
  }
  get everOpened(): boolean {
    return this.signaling.everOpened;
  }
  get unreachable(): boolean {
    return this.signaling.failures >= UNREACHABLE_AFTER;
  }
  /** Code of the last close of the signaling socket (1001: the server is restarting). */
  get lastCloseCode(): number {
    return this.signaling.lastCloseCode;
  }
  /** The connections of this call have begun: the first capture is done, or was waited for long enough. */
  get linking(): boolean {
    return this.prepared && this.backlog === null;
  }
  get linkStates(): RTCPeerConnectionState[] {
    return [...this.links.values()].map((l) => l.connectionState);
  }

  /** Connects to `url` and takes a seat in `room`. */
  start(room: string, url: string): void {
    this.stop();
    this.room = room;
    this.certificate.prepare();
    this.signaling.connect(url);
  }

  /** Leaves the room (saying so, when it can) and closes every connection. Harmless twice. */
  stop(): void {
    // Say goodbye in so many words, so the others hear of it at once.
    if (this.seated) this.signaling.send({ type: "leave" });
    this.stopping = true;
    this.signaling.close();
    this.stopping = false;
    clearTimeout(this.rejoin);
    clearTimeout(this.iceRefresh);
    this.ice = null;
    for (const timer of this.unconfirmed.values()) clearTimeout(timer);
    this.unconfirmed.clear();
    for (const link of this.links.values()) link.close();
    this.links.clear();
    this.roster.clear();
    this.profiles.clear();
    this.generations.clear();
    this.selfId = null;
    this.resume = null;
    this.seated = false;
    this.pending = undefined;
    this.prepared = false;
    this.backlog = null;
    clearTimeout(this.captureWait);
    this.epoch++;
  }

  /** Sends `msg` to `peer` over its link's data channel (when it opens, if it is not open yet). */
  tell(peer: string, msg: unknown): void {
    this.links.get(peer)?.channel.send(msg);
  }

  /** Sends `msg` to every peer over the data channels. */
  tellAll(msg: unknown): void {
    for (const link of this.links.values()) link.channel.send(msg);
  }

  /** Statistics of each peer connection, by remote peer id. */
  async stats(): Promise<Map<string, RTCStatsReport>> {
    // Every connection is asked at once (the answers come in parallel), in the links' order.
    const links = [...this.links];
    const reports = await Promise.all(links.map(([, link]) => link.pc.getStats()));
    return new Map(links.map(([id], i) => [id, reports[i]!]));
  }

  /** What a connection is made with now: the element's ICE servers, then the server's; relay-only if either says so. */
  rtcConfig(): RTCConfiguration {
    const own = this.options.rtcConfig();
    const server = this.ice;
    return {
      iceServers: [...(own.iceServers ?? []), ...(server?.iceServers ?? [])],
      iceTransportPolicy: own.iceTransportPolicy === "relay" || server?.iceTransportPolicy === "relay" ? "relay" : "all",
      // Every peer is one of these elements, which bundle: one transport to gather and check, not one per kind.
      bundlePolicy: "max-bundle",
      // Candidates are gathered as the connection is made, before the offer (or answer) is.
      iceCandidatePoolSize: 1,
      certificates: this.certificate.get(),
    };
  }

  /** True when some link cannot come up because the peer gathered nothing for it, while this side did. */
  get peerGatheredNothing(): boolean {
    return [...this.links.values()].some((l) => l.peerGatheredNothing && !l.gatheredNothing && l.connectionState === "failed");
  }

  /** True when some link gathered a relay (TURN) candidate. */
  get relayGathered(): boolean {
    return [...this.links.values()].some((l) => l.relayGathered);
  }

  hostDisconnected(): void {
    this.stop();
  }

  /** Takes the server's ICE servers, and asks for fresh ones before the credentials expire. */
  private setIce(ice: IceConfig) {
    this.ice = ice;
    clearTimeout(this.iceRefresh);
    if (ice.expires === undefined) return;
    const delay = Math.max(ICE_REFRESH_MIN_MS, (ice.expires * 1000 - Date.now()) / 2);
    // Not sent while away: the resumed join brings fresh ones anyway.
    this.iceRefresh = setTimeout(() => this.seated && this.signaling.send({ type: "ice-refresh" }), delay);
  }

  private sendJoin() {
    clearTimeout(this.rejoin);
    const token = this.options.token();
    const name = this.options.name().trim().slice(0, DISPLAY_NAME_MAX);
    this.signaling.send({ type: "join", room: this.room, ...(this.resume ? { resume: this.resume } : {}), ...(token ? { token } : {}), ...(name ? { name } : {}) });
  }

  private onMessage(m: ServerMessage) {
    if (this.backlog) {
      this.backlog.push(m);
      return;
    }
    switch (m.type) {
      case "created":
        return this.onSeat(m, []);
      case "joined":
        return this.onSeat(m, m.peers);
      case "full":
        this.stop();
        this.on.ended("full");
        return this.on.full(m.room, m.capacity);
      case "peer-joined": {
        const known = this.roster.has(m.peer) || this.links.has(m.peer);
        if (m.profile) this.profiles.set(m.peer, m.profile);
        this.confirm(m.peer);
        this.roster.add(m.peer);
        const link = this.links.get(m.peer);
        if (link) {
          // Back on a server that had lost its seat (e.g. after a restart): same link, resent.
          link.resync();
        } else {
          // The newcomer calls us; a peer we had a link with before is called anew by us.
          const again = this.generations.has(m.peer);
          this.open(m.peer, again ? this.nextGeneration(m.peer) : 0, !again);
        }
        if (!known) this.on.peerJoined(m.peer);
        return this.on.changed();
      }
      case "peer-resumed":
        this.confirm(m.peer);
        this.links.get(m.peer)?.resync();
        return;
      case "peer-left":
        return this.drop(m.peer, m.reason);
      case "description":
        return this.onDescription(m);
      case "candidate": {
        const link = this.links.get(m.from);
        if (link && (m.link ?? 0) === link.generation) void link.receiveCandidate(m.candidate);
        return;
      }
      case "error":
        return this.onError(m);
      case "ice":
        return this.setIce(m.ice);
      case "app":
      case "left":
      case "pong":
        return;
    }
  }

  private onSeat(m: ServerMessageOf<"created"> | ServerMessageOf<"joined">, peers: string[]) {
    const resumedHere = this.selfId !== null && m.resumed && m.id === this.selfId;
    if (this.selfId !== null && !resumedHere) {
      // Back under a new id: every old link is to a peer that knows us as someone else.
      for (const peer of [...this.roster]) this.drop(peer, "gone");
      this.generations.clear();
    }
    this.selfId = m.id;
    this.resume = m.resume;
    this.seated = true;
    this.setIce(m.ice);
    this.pending = undefined;
    if (resumedHere) {
      // Peers the server no longer has: gone now if their connection is down, else soon
      // unless they come back (the server may have restarted and they are reconnecting).
      for (const peer of [...this.roster]) if (!peers.includes(peer)) this.awaitReturn(peer);
    }
    for (const peer of peers) {
      this.confirm(peer);
      this.roster.add(peer);
    }
    if (m.type === "joined") for (const [peer, profile] of Object.entries(m.profiles ?? {})) this.profiles.set(peer, profile);
    if (!this.prepared) {
      // First seat of this call: let the element capture before any connection is made.
      this.prepared = true;
      this.backlog = [];
      const epoch = this.epoch;
      const begin = () => {
        if (epoch !== this.epoch || this.backlog === null) return;
        clearTimeout(this.captureWait);
        const waiting = this.backlog;
        this.backlog = null;
        this.linkAll(peers);
        for (const msg of waiting) this.onMessage(msg);
        this.on.changed();
      };
      void this.options.prepare().then(begin);
      this.captureWait = setTimeout(begin, CAPTURE_WAIT_MS);
      this.on.joined({ id: m.id, peers, resumed: m.resumed });
      return this.on.changed();
    }
    this.on.joined({ id: m.id, peers, resumed: m.resumed });
    this.on.changed();
    this.linkAll(peers);
  }

  /** A link to each of `peers`: kept ones resend what a gap may have lost, new ones call. */
  private linkAll(peers: string[]) {
    for (const peer of peers) {
      if (!this.roster.has(peer)) continue;
      const link = this.links.get(peer);
      if (link) link.resync();
      else this.open(peer, this.nextGeneration(peer), false);
    }
  }

  private onDescription(m: ServerMessageOf<"description">) {
    const generation = m.link ?? 0;
    let link = this.links.get(m.from);
    if (link && generation < link.generation) return; // meant for a connection since replaced
    if (!link || generation > link.generation) {
      // Only an offer starts a connection (a rebuild on the other side, or its first call).
      if (m.description.type !== "offer" || !this.roster.has(m.from)) return;
      link = this.open(m.from, generation, true);
    }
    this.confirm(m.from);
    void link.receiveDescription(m.description);
  }

  private onError(m: ServerMessageOf<"error">) {
    switch (m.code) {
      case "room-name":
        // This server narrows room names further than the protocol does.
        this.stop();
        return this.on.ended("invalid-room", undefined, undefined, m.message);
      case "room-limit":
        this.stop();
        return this.on.ended("failed", "room-limit");
      case "unauthorized":
        // Retrying with the same token cannot help; the page needs a new one.
        this.stop();
        return this.on.ended("unauthorized", undefined, undefined, m.message);
      case "unavailable":
        // The server could not take the join this time; it may the next.
        this.pending = "unavailable";
        clearTimeout(this.rejoin);
        this.rejoin = setTimeout(() => this.sendJoin(), REJOIN_DELAY_MS * (0.5 + Math.random()));
        return this.on.changed();
      case "peer-busy": {
        // That peer has not read what we sent before: send again what is pending once it has.
        const peer = m.peer;
        if (peer) setTimeout(() => this.links.get(peer)?.resync(), PEER_BUSY_RETRY_MS);
        return;
      }
      default:
        // peer-unreachable: that peer is reconnecting; it is sent again when it is back
        // (peer-resumed). no-such-peer: it left, and peer-left is on its way.
        return;
    }
  }

  private onGone(code: number) {
    this.stop();
    if (code === CLOSE.replaced) return this.on.ended("replaced", "replaced", code);
    if (code === CLOSE.policyViolation) return this.on.ended("disconnected", "rate-limited", code);
    if (code === CLOSE.tooBig) return this.on.ended("disconnected", "message-too-big", code);
    this.on.ended("disconnected", undefined, code);
  }

  private nextGeneration(peer: string): number {
    const last = this.generations.get(peer);
    return last === undefined ? 0 : last + 1;
  }

  /** Opens a (new) link to `peer`, replacing any it had. */
  private open(peer: string, generation: number, waitForOffer: boolean): PeerLink {
    this.links.get(peer)?.close();
    this.generations.set(peer, generation);
    const link: PeerLink = new PeerLink({
      peerId: peer,
      generation,
      waitForOffer,
      polite: isPolite(this.selfId ?? "", peer),
      rtcConfig: () => this.rtcConfig(),
      stream: this.options.outgoing(),
      // Relays go out only while seated: anything not sent is sent again at the next resync.
      send: (msg) => this.seated && this.signaling.send(msg),
      onTracks: (remote) => this.on.tracks(peer, remote),
      onConnectionState: (state) => {
        if (this.links.get(peer) !== link) return;
        if (state !== "connected" && this.unconfirmed.has(peer)) return this.drop(peer, "gone");
        this.on.changed();
      },
      onIceRestart: () => this.on.recovery({ peer, action: "ice-restart" }),
      onCandidateError: (error) => this.on.iceError(peer, error),
      onPeerMessage: (msg) => this.links.get(peer) === link && this.on.peerMessage(peer, msg),
      onChannelOpen: () => this.links.get(peer) === link && this.on.channelOpen(peer),
      onDead: () => {
        if (this.links.get(peer) !== link) return;
        // While signaling is away no new connection could be negotiated; the resync after
        // the resume restarts ICE instead.
        if (!this.seated) return;
        // ICE restarts did not help, or the first negotiation was cut or wedged: a new connection,
        // which the peer takes up at its offer.
        this.on.recovery({ peer, action: "rebuild" });
        this.open(peer, link.generation + 1, false);
        this.on.changed();
      },
    });
    this.links.set(peer, link);
    this.on.tracks(peer, link.remote);
    this.on.changed();
    return link;
  }

  /** A peer the server no longer lists after our resume: see whether it comes back. */
  private awaitReturn(peer: string) {
    const link = this.links.get(peer);
    if (!link || link.connectionState !== "connected") return this.drop(peer, "gone");
    if (this.unconfirmed.has(peer)) return;
    this.unconfirmed.set(
      peer,
      setTimeout(() => this.drop(peer, "gone"), RETURN_WAIT_MS),
    );
  }

  private confirm(peer: string) {
    clearTimeout(this.unconfirmed.get(peer));
    this.unconfirmed.delete(peer);
  }

  /** `peer` is no longer in the room: its link closes, its media goes, `peer-left` fires. */
  private drop(peer: string, reason: PeerLeftDetail["reason"]) {
    this.confirm(peer);
    const link = this.links.get(peer);
    link?.close();
    this.links.delete(peer);
    if (link) this.on.tracks(peer, link.remote);
    this.profiles.delete(peer);
    if (!this.roster.delete(peer)) return this.on.changed();
    this.on.peerLeft({ peer, reason });
    this.on.changed();
  }
}
