import { LitElement, html } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import type { ServerMessage } from "../../shared/protocol.ts";
import { roomNameProblem } from "../../shared/room-name.ts";
import { isPolite } from "../../shared/wire.ts";
import { LocalMediaController, type MediaFailure } from "../controllers/local-media-controller.ts";
import { PeerLinksController } from "../controllers/peer-links-controller.ts";
import { ScreenShareController } from "../controllers/screen-share-controller.ts";
import { SignalingController } from "../controllers/signaling-controller.ts";
import { emit } from "../shared/events.ts";
import { play } from "../shared/first-frame.ts";
import { type CallState, FINAL_STATES, STATE_TEXT } from "./call-state.ts";
import { styles } from "./styles.ts";

export type { CallState } from "./call-state.ts";

export interface CallStateDetail {
  state: CallState;
}
export interface PeerDetail {
  peer: string;
}
export interface JoinedDetail {
  id: string;
  peers: string[];
  resumed: boolean;
}
export interface RecoveryDetail {
  peer: string;
  /** `ice-restart`: new ICE candidates over the same connection; `rebuild`: a new connection. */
  action: "ice-restart" | "rebuild";
}
export interface ScreenShareDetail {
  sharing: boolean;
}
export interface RoomFullDetail {
  room: string;
  capacity: number;
}

/** `audio="off"` / `video="off"` (or "false") turn a kind off at start; absent means on. */
const onOff = {
  fromAttribute: (v: string | null) => v === null || !["off", "false", "0"].includes(v.toLowerCase()),
  toAttribute: (v: boolean) => (v ? null : "off"),
};

/** Failed attempts after which the server counts as unreachable (retries go on). */
const UNREACHABLE_AFTER = 3;

/** App payload asking the peer to rebuild its connection with us from scratch. */
const RESET = "reset-link";

/**
 * A video call in a room: captures camera and microphone, joins the room through the
 * signaling server and calls everyone in it (a mesh above two), over WebRTC with trickle
 * ICE and perfect negotiation. Hang Up, or removing the element, releases everything
 * (a `leave` to the server, every track stopped, every connection and the socket closed).
 * A hung-up element starts again with `join()`, with a new `room`, or when put back on the page.
 *
 * A missing or refused camera or microphone does not stop the call: it goes on with what
 * there is (microphone only, camera only, or receive-only), `media-error` says why.
 *
 * @example
 * <video-call room="team-standup"></video-call>
 *
 * @attr room - The room to join (1–64 of letters, digits, `-`, `_`). Changing it moves to that room.
 * @attr signaling-url - WebSocket URL of the signaling server. Default: `/ws` on the origin this script was loaded from.
 * @attr audio - `off` to start with the microphone off (not captured).
 * @attr video - `off` to start with the camera off (not captured).
 * @attr ice-servers - JSON array of RTCIceServer (STUN/TURN), e.g. `[{"urls":"turn:turn.example.com:3478","username":"u","credential":"p"}]`.
 * @attr ice-transport-policy - `relay` to use TURN only (to test it); default `all`.
 * @attr state - (read only) Where the call is: idle, starting, connecting, waiting, connecting-peer, connected, reconnecting, failed, full, invalid-room, replaced, hung-up.
 * @attr media-error - (read only) Why camera/microphone could not be had: permission-denied, no-device, device-in-use, constraints, insecure-context, unknown.
 * @attr sharing-screen - (read only) Present while a screen is shared instead of the camera.
 *
 * @fires call-state - The state changed; detail `{ state }`.
 * @fires joined - In the room; detail `{ id, peers, resumed }`.
 * @fires peer-joined - Someone joined; detail `{ peer }`.
 * @fires peer-left - Someone left; detail `{ peer }`.
 * @fires room-full - The room had no free seat; detail `{ room, capacity }`.
 * @fires media-error - Camera and/or microphone failed (the call goes on with what there is); detail `{ reason, message }`.
 * @fires autoplay-blocked - The browser would not play a peer's media until a click; detail `{ peer }`.
 * @fires connection-recovery - A connection to a peer is being recovered; detail `{ peer, action }` (`ice-restart` or `rebuild`).
 * @fires screen-share - Screen sharing started or stopped (also from the browser's own Stop control); detail `{ sharing }`.
 *
 * @csspart videos - The grid of videos.
 * @csspart local-video - Your own preview (always muted).
 * @csspart remote-video - One per remote peer.
 * @csspart state - The state line.
 * @csspart notice - A second line for camera/microphone problems.
 * @csspart controls - The row of buttons.
 * @csspart button - Every button.
 * @csspart microphone - The microphone toggle.
 * @csspart camera - The camera toggle.
 * @csspart screen-share - The Share screen / Stop sharing toggle (absent where the browser cannot share a screen).
 * @csspart hang-up - The Hang Up (or Join again) button.
 * @csspart unmute - The click-to-play button shown when autoplay is blocked.
 *
 * @cssprop --rc-accent - Background of main buttons.
 * @cssprop --rc-accent-text - Text of main buttons.
 * @cssprop --rc-danger - Hang Up button and errors.
 * @cssprop --rc-radius - Corner radius of videos and buttons.
 * @cssprop --rc-gap - Space between videos.
 * @cssprop --rc-video-background - Background of a video without a picture.
 * @cssprop --rc-tile-min-width - Narrowest a video may get before wrapping.
 * @cssprop --rc-pressed-background - A toggle that is on (muted, camera off).
 */
@customElement("video-call")
export class VideoCall extends LitElement {
  static override styles = styles;

  @property({ reflect: true }) accessor room = "";
  @property({ attribute: "signaling-url" }) accessor signalingUrl = "";
  @property({ converter: onOff }) accessor audio = true;
  @property({ converter: onOff }) accessor video = true;
  @property({ attribute: "ice-servers", converter: { fromAttribute: parseIceServers } }) accessor iceServers: RTCIceServer[] = [];
  @property({ attribute: "ice-transport-policy", converter: { fromAttribute: (v) => (v === "relay" ? "relay" : "all") } })
  accessor iceTransportPolicy: RTCIceTransportPolicy = "all";

  /** Where the call is. */
  @property({ reflect: true }) accessor state: CallState = "idle";
  /** Why camera or microphone could not be had, or null. */
  @property({ attribute: "media-error", reflect: true }) accessor mediaError: MediaFailure["reason"] | null = null;
  /** True while a screen is shared in place of the camera. */
  @property({ attribute: "sharing-screen", type: Boolean, reflect: true }) accessor sharingScreen = false;
  /** This peer's id in the room (server-assigned), or null. */
  @state() accessor selfId: string | null = null;
  @state() private accessor microphoneOn = true;
  @state() private accessor cameraOn = true;
  @state() private accessor remotes = new Map<string, MediaStream>();
  @state() private accessor blocked = new Set<string>();
  @state() private accessor detail = "";
  @state() private accessor unreachable = false;

  private readonly media = new LocalMediaController(this);
  private readonly links = new PeerLinksController(this);
  private readonly screen = new ScreenShareController(this, () => void this.stopScreenShare());
  private readonly signaling = new SignalingController(this, {
    message: (m) => this.onMessage(m),
    open: () => this.sendJoin(),
    gone: () => {
      this.release();
      this.setState("replaced");
    },
    status: () => this.updateState(),
  });
  /** Remote peers in the room, linked or not yet. */
  private readonly roster = new Set<string>();
  private resume: string | null = null;
  /** Bumped by every join and hang-up: a join still capturing when it changes gives up. */
  private generation = 0;

  /** Remote peer ids in the room. */
  get peers(): string[] {
    return [...this.roster];
  }

  /** The captured camera/microphone stream, or null. */
  get localStream(): MediaStream | null {
    return this.media.stream;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Put back on the page after a removal: start again like a new element.
    if (this.hasUpdated && this.room) void this.join();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.generation++;
    this.release();
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if ((changed.has("room") || changed.has("signalingUrl")) && this.isConnected && this.room && this.state !== "hung-up") {
      void this.join();
    }
  }

  /** Joins `room` (again): captures media, connects, calls everyone there. */
  async join(): Promise<void> {
    const generation = ++this.generation;
    this.release();
    this.detail = "";
    const problem = roomNameProblem(this.room);
    if (problem) {
      this.detail = problem;
      return this.setState("invalid-room");
    }
    this.setState("starting");
    this.mediaError = null;
    if (this.audio || this.video) {
      const stream = await this.media.start({ audio: this.audio, video: this.video });
      if (generation !== this.generation) return;
      if (this.media.failure) {
        // Join all the same, with what there is: seeing and hearing the others beats an error page.
        this.mediaError = this.media.failure.reason;
        emit<MediaFailure>(this, "media-error", this.media.failure);
      }
    }
    this.microphoneOn = this.media.has("audio");
    this.cameraOn = this.media.has("video");
    this.setState("connecting");
    this.signaling.connect(this.signalingUrl || defaultSignalingUrl());
  }

  /** Leaves the room and releases camera, microphone, connections and socket. Harmless twice. */
  hangUp(): void {
    this.generation++;
    this.release();
    if (this.state !== "idle") this.setState("hung-up");
  }

  /** Turns the microphone on or off (without renegotiation); returns whether it is on now. */
  toggleMicrophone(on = !this.microphoneOn): boolean {
    this.media.setEnabled("audio", on);
    this.microphoneOn = on && this.media.has("audio");
    return this.microphoneOn;
  }

  /** Turns the camera on or off (the peer sees black frames); returns whether it is on now. */
  toggleCamera(on = !this.cameraOn): boolean {
    this.media.setEnabled("video", on);
    this.cameraOn = on && this.media.has("video");
    return this.cameraOn;
  }

  /**
   * Shares a screen, window or tab in place of the camera, with everyone in the call and
   * everyone who joins while it lasts. The browser asks which; resolves whether a screen is
   * shared now: false when the person cancelled (a screen shared before stays shared), the
   * browser cannot, or the call is not on.
   */
  async shareScreen(): Promise<boolean> {
    if (this.state === "idle" || FINAL_STATES.has(this.state)) return false;
    const generation = this.generation;
    const track = await this.screen.start();
    if (!track) return this.sharingScreen && generation === this.generation;
    if (generation !== this.generation) {
      // Hung up (or moved on) while the browser was asking.
      this.screen.stop();
      return false;
    }
    const wasSharing = this.sharingScreen;
    this.sharingScreen = true;
    await this.sendVideo(track);
    if (!wasSharing) emit<ScreenShareDetail>(this, "screen-share", { sharing: true });
    return true;
  }

  /**
   * Stops sharing the screen; the camera (if any) is sent again. Resolves once it is.
   * Harmless when not sharing.
   */
  async stopScreenShare(): Promise<void> {
    if (!this.sharingScreen) return;
    this.screen.stop();
    this.sharingScreen = false;
    emit<ScreenShareDetail>(this, "screen-share", { sharing: false });
    await this.sendVideo(this.media.stream?.getVideoTracks()[0] ?? null);
  }

  /** Statistics of each peer connection, by remote peer id. */
  async getStats(): Promise<Map<string, RTCStatsReport>> {
    const out = new Map<string, RTCStatsReport>();
    for (const [id, link] of this.links.links) out.set(id, await link.pc.getStats());
    return out;
  }

  private release() {
    // Say goodbye in so many words, so the others hear of it at once.
    if (this.selfId !== null) this.signaling.send({ type: "leave" });
    this.signaling.close();
    this.links.closeAll();
    this.media.stop();
    this.screen.stop();
    this.sharingScreen = false;
    this.roster.clear();
    this.remotes = new Map();
    this.blocked = new Set();
    this.selfId = null;
    this.resume = null;
    for (const v of this.renderRoot.querySelectorAll?.("video") ?? []) v.srcObject = null;
  }

  private sendJoin() {
    this.signaling.send({ type: "join", room: this.room, ...(this.resume ? { resume: this.resume } : {}) });
  }

  private onMessage(m: ServerMessage) {
    switch (m.type) {
      case "created":
      case "joined": {
        const peers = m.type === "joined" ? m.peers : [];
        if (!m.resumed && this.selfId !== null) {
          // Back under a new id: every old link is to a stranger now.
          this.links.closeAll();
          this.roster.clear();
          this.remotes = new Map();
        }
        this.selfId = m.id;
        this.resume = m.resume;
        for (const peer of peers) {
          this.roster.add(peer);
          // The newcomer calls; links that survived a reconnect stay as they are.
          if (!this.links.get(peer)) this.link(peer);
        }
        emit<JoinedDetail>(this, "joined", { id: m.id, peers, resumed: m.resumed });
        return this.updateState();
      }
      case "full":
        this.release();
        this.setState("full");
        emit<RoomFullDetail>(this, "room-full", { room: m.room, capacity: m.capacity });
        return;
      case "peer-joined":
        this.roster.add(m.peer);
        // The newcomer calls us; have the connection ready for its offer.
        if (!this.links.get(m.peer)) this.link(m.peer, { waitForOffer: true });
        this.detail = "";
        emit<PeerDetail>(this, "peer-joined", { peer: m.peer });
        return this.updateState();
      case "peer-left":
        this.dropPeer(m.peer);
        this.detail = this.roster.size === 0 ? "The other person left." : "";
        emit<PeerDetail>(this, "peer-left", { peer: m.peer });
        return this.updateState();
      case "description":
        this.roster.add(m.from);
        void (this.links.get(m.from) ?? this.link(m.from)).receiveDescription(m.description);
        return;
      case "candidate":
        void (this.links.get(m.from) ?? this.link(m.from)).receiveCandidate(m.candidate);
        return;
      case "app":
        if (m.payload === RESET) this.link(m.from);
        return;
      case "error":
        if (m.code === "room-name") {
          // This server narrows room names further than the protocol does.
          this.detail = m.message;
          this.release();
          this.setState("invalid-room");
          return;
        }
        if (m.code === "room-limit") {
          this.detail = m.message;
          this.release();
          this.setState("failed");
        }
        return;
      case "left":
      case "pong":
        return;
    }
  }

  /** Opens a (new) link to `peer`. */
  private link(peer: string, { waitForOffer = false } = {}) {
    const self = this.selfId ?? "";
    return this.links.open({
      peerId: peer,
      waitForOffer,
      polite: isPolite(self, peer),
      rtcConfig: { iceServers: this.iceServers, iceTransportPolicy: this.iceTransportPolicy },
      stream: this.outgoing(),
      send: (msg) => this.signaling.send(msg),
      onStream: (stream) => void this.showStream(peer, stream),
      onConnectionState: () => this.updateState(),
      onIceRestart: () => emit<RecoveryDetail>(this, "connection-recovery", { peer, action: "ice-restart" }),
      onDead: () => {
        // ICE restarts did not help: both sides start this link over.
        emit<RecoveryDetail>(this, "connection-recovery", { peer, action: "rebuild" });
        this.signaling.send({ type: "app", to: peer, payload: RESET });
        this.link(peer);
      },
    });
  }

  /** What this side sends: the microphone, and the camera or the shared screen. */
  private outgoing(): MediaStream | null {
    const screen = this.screen.track;
    if (!screen) return this.media.stream;
    return new MediaStream([...(this.media.stream?.getAudioTracks() ?? []), screen]);
  }

  /** Swaps the picture sent on every link. */
  private async sendVideo(track: MediaStreamTrack | null): Promise<void> {
    const stream = this.outgoing();
    await Promise.all([...this.links.links.values()].map((link) => link.sendVideo(track, stream)));
  }

  private dropPeer(peer: string) {
    this.roster.delete(peer);
    this.links.close(peer);
    const remotes = new Map(this.remotes);
    remotes.delete(peer);
    this.remotes = remotes;
  }

  private async showStream(peer: string, stream: MediaStream) {
    this.remotes = new Map(this.remotes).set(peer, stream);
    await this.updateComplete;
    const video = this.renderRoot.querySelector<HTMLVideoElement>(`video[data-peer="${peer}"]`);
    if (video && (await play(video)) === "blocked") {
      this.blocked = new Set(this.blocked).add(peer);
      emit<PeerDetail>(this, "autoplay-blocked", { peer });
    }
  }

  private async unblock(peer: string) {
    const video = this.renderRoot.querySelector<HTMLVideoElement>(`video[data-peer="${peer}"]`);
    if (video && (await play(video)) === "playing") {
      const blocked = new Set(this.blocked);
      blocked.delete(peer);
      this.blocked = blocked;
    }
  }

  /** What this peer is in the call with, after a camera or microphone failed. */
  private withWhat(): string {
    const audio = this.media.has("audio");
    const video = this.media.has("video");
    if (audio && video) return "";
    if (audio) return "You are in the call with your microphone only.";
    if (video) return "You are in the call with your camera only.";
    return "You are in the call without them: you can still see and hear the others.";
  }

  /** Derives the state from the links and the socket (final states stay put). */
  private updateState() {
    if (FINAL_STATES.has(this.state) || this.state === "starting") return;
    const states = [...this.links.links.values()].map((l) => l.connectionState);
    const lost = this.signaling.status === "reconnecting" || this.signaling.status === "connecting";
    let next: CallState;
    this.unreachable = this.signaling.failures >= UNREACHABLE_AFTER;
    if (states.includes("connected")) next = "connected";
    else if (this.unreachable && this.selfId === null) next = "failed";
    else if (lost) next = this.selfId === null && this.state === "connecting" ? "connecting" : "reconnecting";
    else if (this.selfId === null) next = "connecting";
    else if (this.roster.size === 0) next = "waiting";
    else if (states.includes("failed")) next = "failed";
    else next = "connecting-peer";
    this.setState(next);
  }

  private setState(state: CallState) {
    this.requestUpdate();
    if (this.state === state) return;
    this.state = state;
    emit<CallStateDetail>(this, "call-state", { state });
  }

  protected override updated(): void {
    const local = this.renderRoot.querySelector<HTMLVideoElement>("video.local");
    // While sharing, the preview shows what the others see.
    const preview = this.screen.stream ?? this.media.stream;
    if (local && local.srcObject !== preview) local.srcObject = preview;
  }

  override render() {
    const inCall = !FINAL_STATES.has(this.state);
    const lostSignaling = this.state === "connected" && this.signaling.status === "reconnecting";
    const why = this.state === "failed" && this.unreachable ? "The signaling server cannot be reached (or does not admit this site)." : this.detail;
    const line = [this.state === "waiting" ? this.detail : "", STATE_TEXT[this.state], this.state === "invalid-room" || this.state === "failed" ? why : ""]
      .filter(Boolean)
      .join(" ");
    return html`
      <div class="videos" part="videos">
        <figure class="tile">
          <video class="local" part="local-video" muted playsinline autoplay></video>
          <figcaption>You${this.sharingScreen ? ", sharing your screen" : ""}${this.microphoneOn ? "" : " (muted)"}</figcaption>
        </figure>
        ${[...this.remotes].map(
          ([peer, stream], i) => html`
            <figure class="tile">
              <video part="remote-video" data-peer=${peer} playsinline autoplay .srcObject=${stream}></video>
              <figcaption>${this.remotes.size > 1 ? `Guest ${i + 1}` : "Guest"}</figcaption>
              ${this.blocked.has(peer)
                ? html`<button part="button unmute" class="unmute primary" @click=${() => this.unblock(peer)}>Click to play sound</button>`
                : ""}
            </figure>
          `,
        )}
      </div>
      <p class="state" part="state" role="status" aria-live="polite">
        ${line}${lostSignaling ? " Reconnecting to the server; the call goes on." : ""}
      </p>
      ${this.media.failure ? html`<p class="notice" part="notice">${this.media.failure.message} ${this.withWhat()}</p>` : ""}
      <div class="controls" part="controls">
        <button part="button microphone" aria-pressed=${this.microphoneOn ? "false" : "true"} ?disabled=${!inCall || !this.media.has("audio")} @click=${() => this.toggleMicrophone()}>
          ${this.microphoneOn ? "Mute" : "Unmute"}
        </button>
        <button part="button camera" aria-pressed=${this.cameraOn ? "false" : "true"} ?disabled=${!inCall || !this.media.has("video")} @click=${() => this.toggleCamera()}>
          ${this.cameraOn ? "Camera off" : "Camera on"}
        </button>
        ${ScreenShareController.supported
          ? html`<button part="button screen-share" aria-pressed=${this.sharingScreen ? "true" : "false"} ?disabled=${!inCall} @click=${() => (this.sharingScreen ? this.stopScreenShare() : this.shareScreen())}>
              ${this.sharingScreen ? "Stop sharing" : "Share screen"}
            </button>`
          : ""}
        ${inCall
          ? html`<button part="button hang-up" class="danger" @click=${() => this.hangUp()}>Hang Up</button>`
          : html`<button part="button hang-up" class="primary" ?disabled=${!this.room} @click=${() => this.join()}>Join again</button>`}
      </div>
    `;
  }
}

/** `/ws` on the origin this module was loaded from: right for the site and for embeds. */
function defaultSignalingUrl(): string {
  const url = new URL("/ws", import.meta.url);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.href;
}

function parseIceServers(value: string | null): RTCIceServer[] {
  if (!value) return [];
  try {
    const parsed = JSON.parse(value);
    return Array.isArray(parsed) ? parsed : [];
  } catch {
    return [];
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "video-call": VideoCall;
  }
  interface GlobalEventHandlersEventMap {
    "call-state": CustomEvent<CallStateDetail>;
    joined: CustomEvent<JoinedDetail>;
    "peer-joined": CustomEvent<PeerDetail>;
    "peer-left": CustomEvent<PeerDetail>;
    "room-full": CustomEvent<RoomFullDetail>;
    "autoplay-blocked": CustomEvent<PeerDetail>;
    "connection-recovery": CustomEvent<RecoveryDetail>;
    "screen-share": CustomEvent<ScreenShareDetail>;
  }
}
