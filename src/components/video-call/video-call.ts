import { LitElement, html } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import { ref } from "lit/directives/ref.js";
import { repeat } from "lit/directives/repeat.js";
import { createRoomRule } from "../../shared/room-name.ts";
import { LocalMediaController } from "../controllers/local-media-controller.ts";
import { OutgoingMedia } from "../controllers/outgoing-media.ts";
import { ScreenShareController } from "../controllers/screen-share-controller.ts";
import { iceServers, iceServersProblem, iceTransportPolicy, onOff } from "../shared/converters.ts";
import { emit } from "../shared/events.ts";
import { defaultSignalingUrl } from "../shared/signaling-url.ts";
import type { MediaErrorReason, MediaFailure } from "../shared/media-error.ts";
import { type CallState, callState, type EndedState, ERROR_STATES, iceErrorText, noRouteText, REASON_TEXT, STATE_TEXT } from "./call-state.ts";
import type {
  CallStateDetail,
  CallStateReason,
  ConfigErrorDetail,
  IceErrorDetail,
  JoinedDetail,
  PeerDetail,
  PeerLeftDetail,
  RecoveryDetail,
  RoomFullDetail,
  ScreenShareDetail,
} from "./events.ts";
import { RemoteMedia } from "./remote-media.ts";
import { RoomSession } from "./room-session.ts";
import { styles } from "./styles.ts";

export type { CallState } from "./call-state.ts";
export type * from "./events.ts";

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
 * @attr ice-servers - JSON array of RTCIceServer (STUN/TURN), e.g. `[{"urls":"turn:turn.example.com:3478","username":"u","credential":"p"}]`. A value the browser cannot use puts the call in `invalid-config` and fires `config-error`.
 * @attr ice-transport-policy - `relay` to use TURN only (to test it); default `all`.
 * @attr room-max-length - The server's longest room name, when it narrows the protocol's 64 (its pages set this).
 * @attr room-charset - The server's room-name characters as a character class body, e.g. `a-z0-9-`, when it narrows them.
 * @attr state - (read only) Where the call is: idle, starting, connecting, waiting, connecting-peer, connected, reconnecting, failed, full, invalid-room, invalid-config, replaced, disconnected, hung-up.
 * @attr media-error - (read only) Why camera/microphone could not be had: permission-denied, no-device, device-in-use, constraints, insecure-context, unknown.
 * @attr sharing-screen - (read only) Present while a screen is shared instead of the camera.
 *
 * @fires call-state - The state changed; detail `{ state, reason?, code? }` (reason e.g. `rate-limited`, `message-too-big`, `replaced`, `server-restart`, `unreachable`, `room-limit`, `unavailable`, `ice-servers`; code: the WebSocket close code behind it).
 * @fires joined - In the room; detail `{ id, peers, resumed }`.
 * @fires peer-joined - Someone joined; detail `{ peer }`.
 * @fires peer-left - Someone left; detail `{ peer, reason }` (`left`, `closed`, `timeout`, or `gone`: no longer in the room after a reconnect).
 * @fires room-full - The room had no free seat; detail `{ room, capacity }`.
 * @fires media-error - Camera and/or microphone failed (the call goes on with what there is); detail `{ reason, message }`.
 * @fires autoplay-blocked - The browser would not play a peer's media until a click; detail `{ peer }`.
 * @fires connection-recovery - A connection to a peer is being recovered; detail `{ peer, action }` (`ice-restart` or `rebuild`).
 * @fires screen-share - Screen sharing started or stopped (also from the browser's own Stop control); detail `{ sharing }`.
 * @fires config-error - An attribute holds a value that cannot be used; detail `{ attribute, value, message }`.
 * @fires ice-error - A STUN or TURN server could not be used (e.g. 401: credentials refused, 701: unreachable); detail `{ peer, url, code, message }`. Once per server and code in a call.
 *
 * @csspart videos - The grid of videos.
 * @csspart local-video - Your own preview (always muted).
 * @csspart remote-video - One per remote peer.
 * @csspart state - The state line.
 * @csspart notice - A second line for camera/microphone problems (and STUN/TURN problems).
 * @csspart ice-notice - The line saying a STUN or TURN server could not be used (while not connected).
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
  @property({ attribute: "ice-servers", converter: iceServers }) accessor iceServers: RTCIceServer[] = [];
  @property({ attribute: "ice-transport-policy", converter: iceTransportPolicy }) accessor iceTransportPolicy: RTCIceTransportPolicy = "all";
  @property({ attribute: "room-max-length", type: Number }) accessor roomMaxLength = 64;
  @property({ attribute: "room-charset" }) accessor roomCharset = "A-Za-z0-9_-";

  /** Where the call is. */
  @property({ reflect: true }) accessor state: CallState = "idle";
  /** Why camera or microphone could not be had, or null. */
  @property({ attribute: "media-error", reflect: true }) accessor mediaError: MediaErrorReason | null = null;
  /** True while a screen is shared in place of the camera. */
  @property({ attribute: "sharing-screen", type: Boolean, reflect: true }) accessor sharingScreen = false;
  @state() private accessor microphoneOn = true;
  @state() private accessor cameraOn = true;
  /** A sentence the state line adds (e.g. why a room name was refused). */
  @state() private accessor detail = "";
  /** The last STUN/TURN server problem, as a sentence (shown until the call connects). */
  @state() private accessor iceProblem = "";

  private readonly media = new LocalMediaController(this);
  private readonly screen = new ScreenShareController(this, () => void this.stopScreenShare());
  private readonly outgoing = new OutgoingMedia(this.media, this.screen);
  private readonly remote = new RemoteMedia(this, (peer) => emit<PeerDetail>(this, "autoplay-blocked", { peer }));
  private readonly session = new RoomSession(
    this,
    {
      rtcConfig: () => ({ iceServers: this.iceServers, iceTransportPolicy: this.iceTransportPolicy }),
      outgoing: () => this.outgoing.stream(),
    },
    {
      joined: (d) => emit<JoinedDetail>(this, "joined", d),
      peerJoined: (peer) => {
        this.detail = "";
        emit<PeerDetail>(this, "peer-joined", { peer });
      },
      peerLeft: (d) => {
        this.remote.delete(d.peer);
        this.detail = this.session.roster.size === 0 ? "The other person left." : "";
        emit<PeerLeftDetail>(this, "peer-left", d);
      },
      full: (room, capacity) => emit<RoomFullDetail>(this, "room-full", { room, capacity }),
      ended: (state, reason, code, text) => this.end(state, reason, code, text),
      tracks: (peer, stream) => this.remote.set(peer, stream),
      recovery: (d) => emit<RecoveryDetail>(this, "connection-recovery", d),
      iceError: (peer, { url, code, text }) => {
        const key = `${url} ${code}`;
        if (this.iceErrors.has(key)) return;
        this.iceErrors.add(key);
        this.iceProblem = iceErrorText(url, code, text);
        emit<IceErrorDetail>(this, "ice-error", { peer, url, code, message: this.iceProblem });
      },
      changed: () => this.refreshState(),
    },
  );
  /** No call started yet. */
  private idle = true;
  /** Camera and microphone are being started. */
  private starting = false;
  /** How the call ended (and why), while it stays ended. */
  private ended: EndedState | null = null;
  private reason: CallStateReason | undefined;
  private closeCode: number | undefined;
  /** Bumped by every join and hang-up: a join still capturing when it changes gives up. */
  private generation = 0;
  /** STUN/TURN errors already reported in this call (url and code). */
  private readonly iceErrors = new Set<string>();
  /** Stable "Guest N" numbers, by peer id. */
  private readonly guests = new Map<string, number>();

  /** This peer's id in the room (server-assigned), or null. */
  get selfId(): string | null {
    return this.session.selfId;
  }

  /** Remote peer ids in the room. */
  get peers(): string[] {
    return [...this.session.roster];
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
    if (changed.has("iceServers")) {
      const problem = iceServersProblem(this.iceServers);
      if (problem) {
        const value = this.getAttribute("ice-servers") ?? safeJson(this.iceServers);
        emit<ConfigErrorDetail>(this, "config-error", { attribute: "ice-servers", value, message: problem });
        // A call already on keeps its connections; one about to start cannot.
        if (this.starting) this.end("invalid-config", "ice-servers", undefined, problem);
      }
    }
    if ((changed.has("room") || changed.has("signalingUrl")) && this.isConnected && this.room && this.state !== "hung-up") {
      void this.join();
    }
  }

  /** Joins `room` (again): captures media, connects, calls everyone there. */
  async join(): Promise<void> {
    const generation = ++this.generation;
    this.release();
    this.idle = false;
    this.ended = null;
    this.reason = undefined;
    this.closeCode = undefined;
    this.detail = "";
    const problem = createRoomRule(this.roomMaxLength, this.roomCharset).problem(this.room);
    if (problem) return this.end("invalid-room", undefined, undefined, problem);
    const configProblem = iceServersProblem(this.iceServers);
    if (configProblem) return this.end("invalid-config", "ice-servers", undefined, configProblem);
    this.starting = true;
    this.refreshState();
    this.mediaError = null;
    if (this.audio || this.video) {
      await this.media.start({ audio: this.audio, video: this.video });
      if (generation !== this.generation) return;
      if (this.media.failure) {
        // Join all the same, with what there is: seeing and hearing the others beats an error page.
        this.mediaError = this.media.failure.reason;
        emit<MediaFailure>(this, "media-error", this.media.failure);
      }
    }
    this.starting = false;
    this.microphoneOn = this.media.has("audio");
    this.cameraOn = this.media.has("video");
    this.session.start(this.room, this.signalingUrl || defaultSignalingUrl());
    this.refreshState();
  }

  /** Leaves the room and releases camera, microphone, connections and socket. Harmless twice. */
  hangUp(): void {
    this.generation++;
    if (!this.idle) this.end("hung-up");
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
    if (this.idle || this.ended) return false;
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
    await this.outgoing.apply(this.session.links.values());
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
    await this.outgoing.apply(this.session.links.values());
  }

  /** Statistics of each peer connection, by remote peer id. */
  getStats(): Promise<Map<string, RTCStatsReport>> {
    return this.session.stats();
  }

  /** Ends the call in `state` (releasing everything) until something new starts it. */
  private end(state: EndedState, reason?: CallStateReason, code?: number, text?: string) {
    this.release();
    this.ended = state;
    this.reason = reason;
    this.closeCode = code;
    this.detail = text ?? "";
    this.refreshState();
  }

  private release() {
    this.session.stop();
    this.media.stop();
    this.screen.stop();
    this.remote.clear();
    this.guests.clear();
    this.iceErrors.clear();
    this.iceProblem = "";
    this.starting = false;
    this.sharingScreen = false;
    for (const v of this.renderRoot.querySelectorAll?.("video") ?? []) v.srcObject = null;
  }

  /** Derives the state from what the element knows, and tells if it changed. */
  private refreshState() {
    const s = this.session;
    const next = callState({
      idle: this.idle,
      ended: this.ended,
      starting: this.starting,
      signaling: s.status,
      everOpened: s.everOpened,
      unreachable: s.unreachable,
      joined: s.selfId !== null,
      peers: s.roster.size,
      links: s.linkStates,
    });
    const reason = this.ended ? this.reason : this.liveReason(next);
    this.requestUpdate();
    if (this.state === next && this.reason === reason) return;
    this.state = next;
    this.reason = reason;
    emit<CallStateDetail>(this, "call-state", {
      state: next,
      ...(reason ? { reason } : {}),
      ...(this.ended && this.closeCode !== undefined ? { code: this.closeCode } : {}),
    });
  }

  /** Why a call that goes on is where it is, when the state alone does not say. */
  private liveReason(state: CallState): CallStateReason | undefined {
    if (state === "failed" && this.session.unreachable) return "unreachable";
    if (state === "failed" && this.session.linkStates.includes("failed")) return "no-route";
    if ((state === "reconnecting" || state === "connected") && this.session.status !== "open" && this.session.lastCloseCode === 1001) return "server-restart";
    return this.session.pending;
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

  private guest(peer: string): string {
    if (!this.guests.has(peer)) this.guests.set(peer, this.guests.size + 1);
    return this.remote.streams.size > 1 || this.guests.size > 1 ? `Guest ${this.guests.get(peer)}` : "Guest";
  }

  private stateLine(): string {
    const state = this.state;
    const main = state === "failed" && this.ended ? "The call could not start." : STATE_TEXT[state];
    const why = this.reason === "no-route" ? this.noRoute() : this.reason ? (REASON_TEXT[this.reason] ?? "") : "";
    if (state === "waiting") return [this.detail, main].filter(Boolean).join(" ");
    if (state === "connected") return this.session.status === "open" ? main : `${main} Reconnecting to the server; the call goes on.`;
    return [main, this.detail, why].filter(Boolean).join(" ");
  }

  private noRoute(): string {
    const config = this.session.rtcConfig();
    const relayConfigured = (config.iceServers ?? []).some((s) => [s.urls].flat().some((u) => /^turns?:/.test(u)));
    return noRouteText(config.iceTransportPolicy === "relay", relayConfigured, this.session.relayGathered);
  }

  protected override updated(): void {
    const local = this.renderRoot.querySelector<HTMLVideoElement>("video.local");
    const preview = this.outgoing.preview();
    if (local && local.srcObject !== preview) local.srcObject = preview;
  }

  override render() {
    const inCall = !this.idle && !this.ended;
    return html`
      <div class="videos" part="videos">
        <figure class="tile">
          <video class="local" part="local-video" muted playsinline autoplay></video>
          <figcaption>You${this.sharingScreen ? ", sharing your screen" : ""}${this.microphoneOn ? "" : " (muted)"}</figcaption>
        </figure>
        ${repeat(
          this.remote.streams.keys(),
          (peer) => peer,
          (peer) => html`
            <figure class="tile">
              <video part="remote-video" data-peer=${peer} playsinline autoplay ${ref(this.remote.ref(peer))}></video>
              <figcaption>${this.guest(peer)}</figcaption>
              ${this.remote.blocked.has(peer)
                ? html`<button part="button unmute" class="unmute primary" @click=${() => this.remote.unblock(peer)}>Click to play sound</button>`
                : ""}
            </figure>
          `,
        )}
      </div>
      <p class="state ${ERROR_STATES.has(this.state) ? "error" : ""}" part="state" role="status" aria-live="polite">${this.stateLine()}</p>
      ${this.media.failure ? html`<p class="notice" part="notice">${this.media.failure.message} ${this.withWhat()}</p>` : ""}
      ${this.iceProblem && this.state !== "connected" ? html`<p class="notice ice" part="notice ice-notice">${this.iceProblem}</p>` : ""}
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

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "video-call": VideoCall;
  }
}
