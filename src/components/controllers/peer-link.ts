import type { ClientMessage, ServerMessageOf } from "../../shared/protocol.ts";
import { PeerChannel } from "./peer-channel.ts";

type Description = ServerMessageOf<"description">["description"];
type Candidate = ServerMessageOf<"candidate">["candidate"];
type MediaKind = "audio" | "video";

export interface PeerLinkOptions {
  peerId: string;
  /** Which connection to this peer this is: 0 first, one more at each rebuild (the protocol's `link`). */
  generation: number;
  /** The polite side rolls back its own offer when offers collide (W3C perfect negotiation). */
  polite: boolean;
  /** The configuration now: read when the connection is made and again before each ICE restart (fresh TURN credentials). */
  rtcConfig(): RTCConfiguration;
  /**
   * Let the peer make the first offer (it is the newcomer and calls us): the connection is
   * ready when its offer comes, and the two first offers do not collide.
   */
  waitForOffer?: boolean;
  /** Local tracks to send; kinds missing here are still received. */
  stream: MediaStream | null;
  /** Sends through signaling; false when it could not be sent (the socket is down). */
  send(msg: ClientMessage): boolean;
  /** The remote tracks changed: `remote` holds the ones to play now. */
  onTracks(remote: MediaStream): void;
  onConnectionState(state: RTCPeerConnectionState): void;
  /** An ICE restart was started, by this side or by the peer (after `failed`, or a long `disconnected`). */
  onIceRestart(): void;
  /**
   * The link cannot come back as it is: ICE restarts did not help, its first negotiation
   * was cut by a gap in signaling, its first connection did not come up in time, or this
   * side's browser gathered nothing for it (GATHERING_START_MS). The owner should rebuild it.
   */
  onDead(): void;
  /** A STUN or TURN server could not be used (e.g. 401: credentials refused; 701: unreachable). */
  onCandidateError(error: IceServerError): void;
  /** A message from the peer over the link's data channel. */
  onPeerMessage(msg: unknown): void;
  /** The data channel opened: time to tell the peer where this side is. */
  onChannelOpen(): void;
}

export interface IceServerError {
  url: string;
  code: number;
  text: string;
}

/** How long `disconnected` may last before an ICE restart is tried. */
const DISCONNECTED_GRACE_MS = 2500;
/** How much later the polite side restarts ICE than the impolite one (see `restartLater`). */
const POLITE_RESTART_LAG_MS = 1500;
/** How long an ICE restart gets to reconnect before the link is given up. */
const RESTART_TIMEOUT_MS = 10_000;
/**
 * The polite side gives up that much later: both sides restart at once after a gap, and
 * the impolite side's new connection should come alone, not collide with another first
 * offer (Chromium gathers nothing for a connection whose first offer was rolled back).
 */
const POLITE_GIVE_UP_LAG_MS = 5000;
/**
 * How long a new connection may take to come up for the first time before the side that
 * called starts over with another (the polite side waits POLITE_GIVE_UP_LAG_MS longer). A
 * first negotiation can wedge with neither side failing, e.g. when the peer gathered no
 * candidate: the connection then stays `new` for good.
 */
const FIRST_CONNECT_TIMEOUT_MS = 15_000;
/**
 * How long the caller waits for any answer to its first offer before it starts over. A peer
 * that has just taken its seat may answer late: once its camera and microphone are had (this
 * element waits 3 s for them, other clients may wait for the person to answer the browser's
 * prompt), and a new connection would not be answered sooner.
 * (An answer lost with its socket is handled at the resume, not here.)
 */
const UNANSWERED_FIRST_OFFER_MS = 120_000;
/**
 * How long after its first local description a connection may go without gathering: not
 * begun at all, or (where it may use this machine's own addresses, which take milliseconds)
 * begun without a single candidate or the end of them. Chromium now and then leaves a
 * connection so under load: nothing reaches the peer on it, and only a new connection
 * helps, so this side starts over itself rather than leave it to the caller's
 * FIRST_CONNECT_TIMEOUT_MS. (Relaying only, candidates may take longer: a TURN server
 * that does not answer is reported by its error instead.)
 */
const GATHERING_START_MS = 5000;
/** Key frames sent at a peer's request are at least this far apart. */
const KEY_FRAME_MIN_GAP_MS = 1000;

/**
 * One RTCPeerConnection to one remote peer, negotiated with the W3C "perfect negotiation"
 * pattern: either side may offer at any time, glare resolves itself, candidates that come
 * before the remote description wait for it.
 */
export class PeerLink {
  readonly pc: RTCPeerConnection;
  readonly generation: number;
  /**
   * Every track this peer sends us, audio and video together, whatever streams the
   * other side grouped them in (a screen shared by a camera-less peer arrives in a stream
   * of its own, but belongs with that peer's sound).
   */
  readonly remote = new MediaStream();
  /** What the two sides tell each other directly (media state, chat). */
  readonly channel: PeerChannel;
  private makingOffer = false;
  private ignoreOffer = false;
  /** An answer is being applied: the state is about to be stable, so an offer now is no collision. */
  private settingRemoteAnswer = false;
  /** Candidates waiting for the remote description, or for the answer to it to be made. */
  private pending: Candidate[] = [];
  /** The answer to an offer is being made: candidates wait until it is sent. */
  private answering = false;
  /** The DTLS certificate the connection was made with, if it was given one. */
  private readonly certificates: RTCCertificate[] | undefined;
  /** An ICE restart due soon (see `restartLater`). */
  private restartSoon: ReturnType<typeof setTimeout> | undefined;
  private restartTimer: ReturnType<typeof setTimeout> | undefined;
  /** Until the first connection: when the caller gives up on it (see FIRST_CONNECT_TIMEOUT_MS). */
  private firstConnectTimer: ReturnType<typeof setTimeout> | undefined;
  /** Set with the first local description: whether anything was gathered by then (GATHERING_START_MS). */
  private gatheringWatch: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  private readonly createdAt = performance.now();
  private waiting: boolean;
  /** This side made the first offer (it called); the other side waited for it. */
  private readonly caller: boolean;
  /** The connection was up at least once: both sides hold the same descriptions. */
  private everConnected = false;
  /** A relay (TURN) candidate was gathered on this side since the last (re)start of ICE. */
  relayGathered = false;
  /** Candidates gathered since the last (re)start of ICE. */
  private gathered = 0;
  /** Gathering ended without a single candidate: this connection cannot work (e.g. relay-only, TURN down). */
  gatheredNothing = false;
  /**
   * This side waited for the first offer, and the peer's gathering for it ended without a
   * candidate: the connection cannot come up, and only the peer could start it over. Said
   * (as `failed`) so that this side does not show "connecting" for good.
   */
  peerGatheredNothing = false;
  /** Candidates the peer sent since its last offer, and whether it said it had no more. */
  private peerCandidates = 0;
  private peerEnded = false;
  /** The polite side is about to restart ICE: an offer of the peer's now is its restart. */
  private peerMayRestart = false;
  /** When a key frame was last sent at the peer's request (performance.now()). */
  private keyFrameAt = -Infinity;
  /** STUN/TURN server URLs that reported an error since the last (re)start of ICE. */
  private readonly failedServers = new Set<string>();
  /** What to send of each kind instead of the first stream's own (a shared screen, a camera allowed later), once set. */
  private sending: Partial<Record<MediaKind, { track: MediaStreamTrack | null; stream: MediaStream | null }>> = {};

  constructor(private readonly o: PeerLinkOptions) {
    this.waiting = o.waitForOffer ?? false;
    this.caller = !this.waiting;
    this.generation = o.generation;
    const config = o.rtcConfig();
    this.certificates = config.certificates;
    const pc = (this.pc = new RTCPeerConnection(config));
    this.channel = new PeerChannel(pc, (m) => o.onPeerMessage(m), () => o.onChannelOpen());
    const tracks = o.stream?.getTracks() ?? [];
    for (const track of tracks) pc.addTrack(track, o.stream!);
    // The offerer asks for the kinds it does not send; an answerer gets them from the offer.
    if (!this.waiting) {
      for (const kind of ["audio", "video"] as const) {
        if (!tracks.some((t) => t.kind === kind)) pc.addTransceiver(kind, { direction: "recvonly" });
      }
    }

    pc.onnegotiationneeded = () => void this.offer();
    pc.onicecandidateerror = (e) => {
      const { url, errorCode, errorText } = e as RTCPeerConnectionIceErrorEvent;
      o.onCandidateError({ url, code: errorCode, text: errorText });
      this.failedServers.add(url);
      // Relaying only, every TURN server failed and nothing was gathered: nothing else can come.
      const config = pc.getConfiguration();
      const turn = (config.iceServers ?? []).flatMap((s) => [s.urls].flat()).filter((u) => /^turns?:/.test(u));
      if (config.iceTransportPolicy === "relay" && this.gathered === 0 && turn.length > 0 && turn.every((u) => this.failedServers.has(u))) {
        this.noCandidates();
      }
    };
    pc.onicecandidate = ({ candidate: c }) => {
      if (c?.type === "relay") this.relayGathered = true;
      if (c && c.candidate) this.gathered++;
      if (!c && this.gathered === 0) this.noCandidates();
      // The fields the protocol lists and no more (the server refuses others).
      const candidate = c && { candidate: c.candidate, sdpMid: c.sdpMid, sdpMLineIndex: c.sdpMLineIndex, usernameFragment: c.usernameFragment };
      o.send({ type: "candidate", to: o.peerId, link: this.generation, candidate });
    };
    pc.ontrack = ({ track }) => {
      if (this.remote.getTracks().includes(track)) return;
      this.remote.addTrack(track);
      track.addEventListener("ended", () => {
        this.remote.removeTrack(track);
        if (!this.closed) o.onTracks(this.remote);
      });
      o.onTracks(this.remote);
    };
    pc.onconnectionstatechange = () => this.onConnectionState();
    if (this.caller) this.awaitFirstConnect();
    // The first offer is begun at once, so the browser makes it while the page is busy with
    // the new link, rather than once `negotiationneeded` gets its turn among the page's tasks.
    if (!this.waiting) void this.offer();
  }

  /** A description from the peer. */
  async receiveDescription(description: Description): Promise<void> {
    const pc = this.pc;
    // An answer to an offer already settled: a copy, after an offer was sent again.
    if (description.type === "answer" && pc.signalingState === "stable" && !this.settingRemoteAnswer) return;
    const readyForOffer = !this.makingOffer && (pc.signalingState === "stable" || this.settingRemoteAnswer);
    const collision = description.type === "offer" && !readyForOffer;
    this.ignoreOffer = !this.o.polite && collision;
    if (this.ignoreOffer || this.closed) return;
    // Candidates sent after an offer belong to it (the socket keeps their order).
    if (description.type === "offer") {
      this.peerCandidates = 0;
      this.peerEnded = false;
    }
    if (description.type === "offer" && this.peerMayRestart) {
      // The peer restarted first: this is the restart, with its time to succeed.
      this.cancelRestartSoon();
      this.restarting();
    }
    try {
      this.settingRemoteAnswer = description.type === "answer";
      await pc.setRemoteDescription(description as RTCSessionDescriptionInit);
      this.settingRemoteAnswer = false;
      this.waiting = false;
      if (description.type === "offer") {
        // The answer goes first: it is what the peer waits for before its checks can start.
        // Candidates (those that came early, and those that come meanwhile) wait for it, in
        // their order, rather than each delaying it by a trip through the browser's queue.
        this.answering = true;
        try {
          // An offer may have brought the video transceiver this side had not had yet.
          await this.applySending();
          await pc.setLocalDescription();
          this.sendDescription();
          this.watchGathering();
        } finally {
          this.answering = false;
        }
      }
      this.addPending();
      this.checkPeerGathering();
    } catch (err) {
      this.settingRemoteAnswer = false;
      if (pc.remoteDescription) this.addPending();
      // Closed meanwhile is expected; anything else is worth seeing.
      if (!this.closed) console.warn("negotiation failed", err);
    }
  }

  /** A candidate from the peer; null is end-of-candidates. Early ones wait for the description. */
  async receiveCandidate(candidate: Candidate): Promise<void> {
    if (this.closed) return;
    if (candidate?.candidate) this.peerCandidates++;
    if (candidate === null) {
      this.peerEnded = true;
      this.checkPeerGathering();
    }
    if (!this.pc.remoteDescription || this.answering) {
      this.pending.push(candidate);
      return;
    }
    await this.addCandidate(candidate);
  }

  /**
   * Sends `track` as this side's `kind` from now on (a shared screen, the camera again, a
   * microphone allowed after a refusal; null for none). Where a sender of that kind exists
   * this is a track swap with no renegotiation; a side that only received that kind starts
   * sending, which renegotiates.
   */
  async send(kind: MediaKind, track: MediaStreamTrack | null, stream: MediaStream | null): Promise<void> {
    this.sending[kind] = { track, stream };
    await this.applySending();
  }

  private async applySending() {
    for (const kind of ["audio", "video"] as const) {
      const want = this.sending[kind];
      if (!want || this.closed) continue;
      const transceiver = this.pc.getTransceivers().find((t) => t.receiver.track.kind === kind && t.currentDirection !== "stopped");
      // None yet (waiting for the first offer): the offer's transceiver gets it.
      if (!transceiver) continue;
      if (want.track && transceiver.direction === "recvonly") {
        // This renegotiates anyway: group the new track with the rest on the other side.
        transceiver.direction = "sendrecv";
        if (want.stream) transceiver.sender.setStreams(want.stream);
      }
      if (transceiver.sender.track === want.track) continue;
      try {
        await transceiver.sender.replaceTrack(want.track);
      } catch (err) {
        if (!this.closed) console.warn("replaceTrack failed", err);
      }
    }
  }

  /**
   * Sends a key frame of the picture now, for a peer whose decoder is stuck after a gap in
   * the path. Where the browser takes the `keyFrame` encoding option of setParameters
   * (Chromium) the encoder makes one at once; elsewhere the option is ignored and the
   * peer's browser asks for one itself, a little later.
   */
  async sendKeyFrame(): Promise<void> {
    const sender = this.pc.getSenders().find((s) => s.track?.kind === "video");
    if (!sender || this.closed) return;
    // However often a peer asks: key frames are large, and one a second is plenty to recover.
    const now = performance.now();
    if (now - this.keyFrameAt < KEY_FRAME_MIN_GAP_MS) return;
    this.keyFrameAt = now;
    const params = sender.getParameters();
    const setParameters = sender.setParameters as (p: RTCRtpSendParameters, options: { encodingOptions: { keyFrame: boolean }[] }) => Promise<void>;
    try {
      await setParameters.call(sender, params, { encodingOptions: params.encodings.map(() => ({ keyFrame: true })) });
    } catch (err) {
      // Negotiating meanwhile, say: the next request, or the browser's own, will do.
      if (!this.closed) console.warn("key frame not sent", err);
    }
  }

  /**
   * After a gap in signaling (our socket, or the peer's, was away): sends again what the
   * peer may have missed. An offer still unanswered goes again as it is; a connection that
   * is not up asks for new candidates (an ICE restart), whose offer carries them all.
   *
   * A link that was never up may have lost its first answer, so the two sides need not
   * hold the same descriptions, and no restart mends that: the side that called starts
   * over with a new connection (`onDead`), and the other waits for its offer.
   */
  resync(): void {
    if (this.closed) return;
    const pc = this.pc;
    if (!this.everConnected) {
      if (this.caller) this.o.onDead();
      return;
    }
    if (pc.signalingState === "have-local-offer") return this.sendDescription();
    if (pc.signalingState !== "stable") return;
    if (pc.connectionState !== "connected") this.restartLater(0, () => this.pc.connectionState !== "connected");
  }

  /** New ICE servers (fresh TURN credentials) for the next gathering: an ICE restart, say. */
  setConfiguration(config: RTCConfiguration): void {
    if (this.closed) return;
    try {
      // A connection keeps the certificate it was made with: leaving it out counts as a change, which is refused.
      this.pc.setConfiguration({ ...config, certificates: this.certificates });
    } catch (err) {
      console.warn("setConfiguration failed", err);
    }
  }

  /** Asks for new ICE candidates (after a network change); negotiation follows by itself. */
  restartIce(): void {
    if (this.closed) return;
    // The credentials the connection was made with may have expired since.
    this.setConfiguration(this.o.rtcConfig());
    this.relayGathered = false;
    this.gathered = 0;
    this.gatheredNothing = false;
    this.failedServers.clear();
    this.pc.restartIce();
    this.restarting();
  }

  /** An ICE restart is under way (this side's or the peer's): it gets its time, then the link is given up. */
  private restarting() {
    this.o.onIceRestart();
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => {
      if (!this.closed && this.pc.connectionState !== "connected") this.o.onDead();
    }, RESTART_TIMEOUT_MS + (this.o.polite ? POLITE_GIVE_UP_LAG_MS : 0));
  }

  /** The connection's state; `failed` as well when gathering found no candidate at all. */
  get connectionState(): RTCPeerConnectionState {
    const state = this.pc.connectionState;
    return (this.gatheredNothing || this.peerGatheredNothing) && state !== "connected" && state !== "closed" ? "failed" : state;
  }

  /** Closes the connection and drops every handler. Harmless to call again. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.channel.close();
    clearTimeout(this.restartSoon);
    clearTimeout(this.restartTimer);
    clearTimeout(this.firstConnectTimer);
    clearTimeout(this.gatheringWatch);
    const pc = this.pc;
    pc.onnegotiationneeded = pc.onicecandidate = pc.ontrack = pc.onconnectionstatechange = pc.onicecandidateerror = null;
    pc.close();
    for (const t of this.remote.getTracks()) this.remote.removeTrack(t);
  }

  /** Adds the waiting candidates, all queued at once and in order: one that comes later cannot overtake them. */
  private addPending() {
    for (const c of this.pending.splice(0)) void this.addCandidate(c);
  }

  private async addCandidate(candidate: Candidate) {
    try {
      await this.pc.addIceCandidate(candidate ?? undefined);
    } catch (err) {
      // Candidates of an offer we ignored are expected to fail; others are worth seeing.
      if (!this.ignoreOffer && !this.closed) console.warn("addIceCandidate failed", err);
    }
  }

  private async offer() {
    if (this.waiting) return;
    try {
      this.makingOffer = true;
      await this.pc.setLocalDescription();
      this.sendDescription();
      this.watchGathering();
    } catch (err) {
      // Closed meanwhile is expected; anything else leaves this side without an offer (the
      // first-connect watchdog, or the restart timer, takes it from there), and is worth seeing.
      if (!this.closed) console.warn("setLocalDescription failed", err);
    } finally {
      this.makingOffer = false;
    }
  }

  private sendDescription() {
    const d = this.pc.localDescription;
    if (d) this.o.send({ type: "description", to: this.o.peerId, link: this.generation, description: { type: d.type, sdp: d.sdp } });
  }

  /**
   * The first connection is not up in time and nothing else will act: a failed one is
   * restarted (then rebuilt) anyway, and one that gathered nothing here says so (`failed`)
   * rather than retrying what cannot work.
   */
  private firstConnectOverdue() {
    if (this.closed || this.everConnected || this.gatheredNothing) return;
    const state = this.pc.connectionState;
    if (state !== "new" && state !== "connecting") return;
    if (this.awaitingFirstAnswer() && performance.now() - this.createdAt < UNANSWERED_FIRST_OFFER_MS) return this.awaitFirstConnect();
    this.o.onDead();
  }

  /** From the first local description on: a connection whose gathering stalls is given up (see GATHERING_START_MS). */
  private watchGathering() {
    if (this.gatheringWatch !== undefined || this.everConnected) return;
    this.gatheringWatch = setTimeout(() => {
      if (this.closed || this.everConnected || this.gathered > 0) return;
      const state = this.pc.iceGatheringState;
      const stalled = state === "new" || (state === "gathering" && this.pc.getConfiguration().iceTransportPolicy !== "relay");
      if (!stalled) return;
      console.warn(`ICE gathering stalled on this connection (${state}, no candidate): starting over with a new one`);
      this.o.onDead();
    }, GATHERING_START_MS);
  }

  private awaitFirstConnect() {
    this.firstConnectTimer = setTimeout(() => this.firstConnectOverdue(), FIRST_CONNECT_TIMEOUT_MS + (this.o.polite ? POLITE_GIVE_UP_LAG_MS : 0));
  }

  /** This side's first offer went out and nothing of the peer's has come back yet. */
  private awaitingFirstAnswer() {
    return this.pc.signalingState === "have-local-offer" && !this.pc.remoteDescription && this.peerCandidates === 0;
  }

  /** Whether the peer's first offer came with no way to reach it (see `peerGatheredNothing`). */
  private checkPeerGathering() {
    const remote = this.pc.remoteDescription;
    if (this.caller || this.everConnected || this.peerGatheredNothing || !this.peerEnded || this.peerCandidates > 0) return;
    // An offer sent again after a gap carries the candidates gathered by then.
    if (remote?.type !== "offer" || remote.sdp.includes("a=candidate:")) return;
    this.peerGatheredNothing = true;
    this.onConnectionState();
  }

  private noCandidates() {
    if (this.gatheredNothing) return;
    this.gatheredNothing = true;
    this.onConnectionState();
  }

  private onConnectionState() {
    const state = this.pc.connectionState;
    this.cancelRestartSoon();
    if (state === "connected") {
      this.everConnected = true;
      clearTimeout(this.restartTimer);
      clearTimeout(this.firstConnectTimer);
    }
    if (state === "failed") this.restartLater(0, () => this.pc.connectionState === "failed");
    if (state === "disconnected") this.restartLater(DISCONNECTED_GRACE_MS, () => this.pc.connectionState === "disconnected");
    this.o.onConnectionState(this.connectionState);
  }

  /**
   * Restarts ICE after `ms` if `still()` holds then; the polite side waits a little longer,
   * and takes an offer of the peer's that comes meanwhile for the restart. Both
   * sides see an outage at once: this way their restart offers do not collide, and the
   * polite side does not roll one back (after which Chromium sometimes decodes the peer's
   * video without ever showing it).
   */
  private restartLater(ms: number, still: () => boolean) {
    this.cancelRestartSoon();
    if (!this.o.polite && ms === 0) return this.restartIce();
    this.peerMayRestart = this.o.polite;
    this.restartSoon = setTimeout(() => {
      this.peerMayRestart = false;
      if (still()) this.restartIce();
    }, ms + (this.o.polite ? POLITE_RESTART_LAG_MS : 0));
  }

  private cancelRestartSoon() {
    clearTimeout(this.restartSoon);
    this.peerMayRestart = false;
  }
}
