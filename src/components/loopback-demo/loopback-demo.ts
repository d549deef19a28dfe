import { LitElement, html } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import { LocalMediaController } from "../controllers/local-media-controller.ts";
import { MicLevelController } from "../controllers/mic-level-controller.ts";
import { iceTransportPolicy } from "../shared/converters.ts";
import { emit } from "../shared/events.ts";
import { defaultSignalingUrl } from "../shared/signaling-url.ts";
import type { MediaErrorReason, MediaFailure } from "../shared/media-error.ts";
import { firstFrame } from "../shared/first-frame.ts";
import { RELAY_TEST_TIMEOUT_MS, relayConfig, RelayWatch } from "./relay-check.ts";
import { styles } from "./styles.ts";

export type LoopbackState = "idle" | "starting" | "started" | "calling" | "connected" | "hung-up" | "error";

export interface LoopbackStateDetail {
  state: LoopbackState;
}
export interface FirstFrameDetail {
  /** Milliseconds from Call to the first remote frame on screen. */
  ms: number;
}
/** Outcome of a relay test: whether a path through the server's TURN relay works. */
export interface RelayTestDetail {
  ok: boolean;
  /** Milliseconds from Call to the first frame through the relay, when it worked. */
  ms: number | null;
  /** Why not, as a sentence, when it did not. */
  reason: string | null;
}


type Sides<T> = { pc1: T; pc2: T };

/**
 * Two RTCPeerConnections in one page calling each other: Start captures the camera and
 * microphone, Call connects `pc1` (sending) to `pc2` (receiving), Hang Up closes both and
 * stops the camera. It shows each side's ICE and connection state and the time from Call to
 * the first remote frame: a quick self-test of a browser. Removing the element releases
 * everything, as Hang Up does. Failures never throw: they show a message and fire an event.
 *
 * @example
 * <loopback-demo autostart></loopback-demo>
 *
 * @attr autostart - Start the camera as soon as the element is on the page.
 * @attr ice-transport-policy - `relay` to allow only TURN-relayed candidates (with no TURN server
 *   configured, no pair can form: the state lines show ICE failing); default `all`.
 * @attr relay-test - A network self-test: Call gets the signaling server's TURN settings and connects
 *   the two sides relay-only through them, then says whether a relay path works and how fast
 *   (`relay-test` event), within 10 seconds.
 * @attr signaling-url - Where the relay test asks for TURN settings. Default: `/ws` on the origin this script was loaded from.
 * @attr state - (read only) Where the demo is: idle, starting, started, calling, connected, hung-up, error.
 * @attr media-error - (read only) Why camera/microphone could not be had at the last Start: permission-denied, no-device, device-in-use, constraints, insecure-context, unknown.
 *
 * @fires loopback-state - The demo's state changed; detail `{ state }`.
 * @fires first-frame - The remote video showed its first frame; detail `{ ms }` since Call.
 * @fires relay-test - The relay test ended; detail `{ ok, ms, reason }`.
 * @fires media-error - The camera or microphone could not be had; detail `{ reason, message }`,
 *   reason one of permission-denied, no-device, device-in-use, constraints, insecure-context, unknown.
 *
 * @csspart videos - The grid holding both videos.
 * @csspart local-video - The local preview (muted).
 * @csspart remote-video - The video received by `pc2` (muted: its sound is this page's own microphone).
 * @csspart controls - The row of buttons.
 * @csspart button - Each button (also `start`, `call`, `hang-up`).
 * @csspart verdict - The outcome in plain words (a live region: announced as it changes).
 * @csspart level - The microphone level meter (while the camera and microphone are on).
 * @csspart status - The connection details, in a disclosure (not announced).
 *
 * @cssprop --rc-accent - Background of Start and Call.
 * @cssprop --rc-accent-text - Text colour of Start and Call.
 * @cssprop --rc-danger - Hang Up button and error messages.
 * @cssprop --rc-radius - Corner radius of videos and buttons.
 * @cssprop --rc-gap - Space between videos.
 * @cssprop --rc-video-background - Background of an empty video.
 * @cssprop --rc-tile-min-width - Narrowest a video may get before wrapping.
 */
@customElement("loopback-demo")
export class LoopbackDemo extends LitElement {
  static override styles = styles;

  /** Start the camera as soon as the element is on the page. */
  @property({ type: Boolean }) autostart = false;
  /** `relay` allows only TURN-relayed candidates; default `all`. */
  @property({ attribute: "ice-transport-policy", converter: iceTransportPolicy })
  iceTransportPolicy: RTCIceTransportPolicy = "all";
  /** Why the camera or microphone could not be had at the last Start, or null. */
  @property({ attribute: "media-error", reflect: true }) mediaError: MediaErrorReason | null = null;
  /** Call tests the relay: relay-only, through the server's TURN settings. */
  @property({ attribute: "relay-test", type: Boolean }) relayTest = false;
  @property({ attribute: "signaling-url" }) signalingUrl = "";
  /** The last relay test's outcome, or null. */
  @state() relayResult: RelayTestDetail | null = null;

  @state() private phase: LoopbackState = "idle";
  @state() private setupMs: number | null = null;
  @state() private failure: MediaFailure | null = null;
  @state() private ice: Sides<RTCIceConnectionState> = { pc1: "new", pc2: "new" };
  @state() private connection: Sides<RTCPeerConnectionState> = { pc1: "new", pc2: "new" };

  private readonly media = new LocalMediaController(this);
  private readonly level = new MicLevelController(this);
  /** The button to focus after the next render: the one that follows the button just pressed. */
  private focusNext: string | null = null;
  private pc1: RTCPeerConnection | null = null;
  private pc2: RTCPeerConnection | null = null;
  private abort: AbortController | null = null;

  /** Where the demo is. */
  get state(): LoopbackState {
    return this.phase;
  }
  /** Milliseconds from Call to the first remote frame of the last call, or null. */
  get setupTimeMs(): number | null {
    return this.setupMs;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Here rather than once: an element put back on the page starts again.
    if (this.autostart) void this.start();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.hangUp();
  }

  /** Captures camera and microphone and shows the preview. Never rejects: failures become `media-error`. */
  async start(): Promise<void> {
    this.release();
    this.failure = null;
    this.mediaError = null;
    this.setState("starting");
    const stream = await this.media.start({ audio: true, video: true });
    const failure = this.media.failure;
    // Neither stream nor reason: hung up (or started again) while the camera was starting.
    if (!stream && !failure) return;
    if (failure) {
      this.failure = failure;
      this.mediaError = failure.reason;
      emit<MediaFailure>(this, "media-error", failure);
    }
    if (!stream) return this.setState("error");
    this.setState("started");
    await this.updateComplete;
    if (this.media.stream === stream) {
      this.local.srcObject = stream;
      this.level.watch(stream);
    }
  }

  /** Connects pc1 to pc2 in this page and measures the time to the first remote frame. */
  async call(): Promise<void> {
    const stream = this.media.stream;
    // `abort` is set while a call is being set up (the relay test first asks the server).
    if (!stream || this.pc1 || this.abort) return;
    this.setState("calling");
    this.setupMs = null;
    this.ice = { pc1: "new", pc2: "new" };
    this.connection = { pc1: "new", pc2: "new" };
    this.relayResult = null;
    const abort = (this.abort = new AbortController());
    const began = performance.now();
    let config: RTCConfiguration = { iceTransportPolicy: this.iceTransportPolicy };
    if (this.relayTest) {
      try {
        config = await relayConfig(this.signalingUrl || defaultSignalingUrl());
      } catch (err) {
        if (!abort.signal.aborted) this.endRelayTest(false, (err as Error).message);
        return;
      }
      if (abort.signal.aborted) return;
    }
    const pc1 = (this.pc1 = new RTCPeerConnection(config));
    const pc2 = (this.pc2 = new RTCPeerConnection(config));
    if (this.relayTest) {
      const watch = new RelayWatch([pc1, pc2]);
      const timer = setTimeout(() => this.endRelayTest(false, watch.reason()), RELAY_TEST_TIMEOUT_MS);
      abort.signal.addEventListener("abort", () => clearTimeout(timer));
    }

    // Candidates go straight across: in one page there is nothing to relay them.
    pc1.onicecandidate = (e) => void pc2.addIceCandidate(e.candidate ?? undefined).catch(() => {});
    pc2.onicecandidate = (e) => void pc1.addIceCandidate(e.candidate ?? undefined).catch(() => {});
    for (const [side, pc] of [["pc1", pc1], ["pc2", pc2]] as const) {
      pc.oniceconnectionstatechange = () => (this.ice = { ...this.ice, [side]: pc.iceConnectionState });
      pc.onconnectionstatechange = () => {
        this.connection = { ...this.connection, [side]: pc.connectionState };
        if (pc.connectionState === "failed") this.setState("error");
        else if (pc1.connectionState === "connected" && pc2.connectionState === "connected") this.setState("connected");
      };
    }
    // ontrack fires once per track (audio, then video): the remote video takes the stream once.
    pc2.ontrack = (e) => {
      const remote = e.streams[0] ?? new MediaStream([e.track]);
      if (this.remote.srcObject !== remote) this.remote.srcObject = remote;
    };
    firstFrame(this.remote, abort.signal).then(
      (shown) => {
        this.setupMs = Math.round(shown - began);
        emit<FirstFrameDetail>(this, "first-frame", { ms: this.setupMs });
        if (this.relayTest) this.endRelayTest(true, null);
      },
      () => {},
    );

    for (const track of stream.getTracks()) pc1.addTrack(track, stream);
    try {
      const offer = await pc1.createOffer();
      await pc1.setLocalDescription(offer);
      await pc2.setRemoteDescription(offer);
      const answer = await pc2.createAnswer();
      await pc2.setLocalDescription(answer);
      await pc1.setRemoteDescription(answer);
    } catch {
      // A hang-up mid-negotiation closes the connections and rejects these: not an error.
      if (!abort.signal.aborted) this.setState("error");
    }
  }

  /** Reports the relay test's outcome; a failed one also ends the call. */
  private endRelayTest(ok: boolean, reason: string | null) {
    if (this.relayResult) return;
    this.relayResult = { ok, ms: ok ? this.setupMs : null, reason };
    emit<RelayTestDetail>(this, "relay-test", this.relayResult);
    if (!ok) {
      this.release();
      this.setState("error");
    }
  }

  /** Closes both connections and stops the camera. Harmless to call again. */
  hangUp(): void {
    const was = this.phase;
    this.release();
    if (was !== "idle" && was !== "hung-up") this.setState("hung-up");
  }

  /**
   * Statistics of both connections, by side: `pc2` receives (its inbound-rtp has
   * framesDecoded), `pc1` sends. Empty outside a call.
   */
  async getStats(): Promise<Map<string, RTCStatsReport>> {
    const out = new Map<string, RTCStatsReport>();
    if (this.pc1) out.set("pc1", await this.pc1.getStats());
    if (this.pc2) out.set("pc2", await this.pc2.getStats());
    return out;
  }

  private release() {
    this.abort?.abort();
    this.abort = null;
    const hadCall = this.pc1 !== null;
    for (const pc of [this.pc1, this.pc2]) {
      if (!pc) continue;
      pc.onicecandidate = pc.ontrack = pc.oniceconnectionstatechange = pc.onconnectionstatechange = null;
      pc.close();
    }
    this.pc1 = this.pc2 = null;
    this.media.stop();
    this.level.stop();
    for (const v of this.renderRoot?.querySelectorAll("video") ?? []) v.srcObject = null;
    // close() fires no state events: show the end ourselves.
    if (hadCall) {
      this.ice = { pc1: "closed", pc2: "closed" };
      this.connection = { pc1: "closed", pc2: "closed" };
    }
  }

  private setState(state: LoopbackState) {
    if (this.phase === state) return;
    this.phase = state;
    emit<LoopbackStateDetail>(this, "loopback-state", { state });
  }

  private get local(): HTMLVideoElement {
    return this.renderRoot.querySelector("video.local")!;
  }
  private get remote(): HTMLVideoElement {
    return this.renderRoot.querySelector("video.remote")!;
  }

  protected override updated(): void {
    if (this.getAttribute("state") !== this.phase) this.setAttribute("state", this.phase);
    // Focus moves on only once its button is enabled (Call after Start has finished).
    const next = this.focusNext && this.renderRoot.querySelector<HTMLButtonElement>(`[part~="${this.focusNext}"]`);
    if (next && !next.disabled) {
      next.focus();
      this.focusNext = null;
    }
  }

  /** The outcome so far, in plain words: what the live region announces. */
  private verdict(): string {
    const r = this.relayResult;
    if (r) return r.ok ? `The relay (TURN) works: first picture through it in ${r.ms} ms.` : `The relay (TURN) does not work: ${r.reason}`;
    switch (this.phase) {
      case "idle":
        return this.relayTest ? "Press Start, then Call, to check the relay." : "Press Start to turn on your camera and microphone.";
      case "starting":
        return "Starting your camera and microphone…";
      case "started":
        return "Your camera and microphone are on. Press Call to test a call.";
      case "calling":
        return "Calling…";
      case "connected":
        return this.setupMs === null ? "Connected. Waiting for the picture…" : `Your camera, microphone and browser work: first picture in ${this.setupMs} ms.`;
      case "hung-up":
        return "The test is over; your camera and microphone are off.";
      case "error":
        return this.failure ? this.failure.message : "The call in this page failed: this browser could not connect to itself.";
    }
  }

  override render() {
    const s = this.phase;
    const live = s === "started" || s === "calling" || s === "connected";
    const focus = (next: string) => (this.focusNext = next);
    return html`
      <p class="verdict ${s === "error" || this.relayResult?.ok === false ? "error" : ""}" part="verdict" role="status" aria-live="polite">${this.verdict()}</p>
      <label class="level" ?hidden=${!live}>
        Microphone level
        <meter part="level" min="0" max="1" low="0.05" .value=${this.level.level}></meter>
      </label>
      <div class="videos" part="videos">
        <figure class="tile">
          <video class="local" part="local-video" muted playsinline autoplay aria-label="Your camera"></video>
          <figcaption>Your camera</figcaption>
        </figure>
        <figure class="tile">
          <video class="remote" part="remote-video" muted playsinline autoplay aria-label="The same picture, after a call in this page"></video>
          <figcaption>After the call</figcaption>
        </figure>
      </div>
      <div class="controls" part="controls">
        <button part="button start" class="primary" ?disabled=${live || s === "starting"} @click=${() => (focus("call"), this.start())}>Start</button>
        <button part="button call" class="primary" ?disabled=${s !== "started"} @click=${() => (focus("hang-up"), this.call())}>Call</button>
        <button part="button hang-up" class="danger" ?disabled=${!live && s !== "starting"} @click=${() => (focus("start"), this.hangUp())}>Hang Up</button>
      </div>
      <details part="status">
        <summary>Connection details</summary>
        <p class="state">State: ${s}</p>
        <dl>
          <dt>Sending side (pc1): ICE / connection</dt>
          <dd class="pc1">${this.ice.pc1} / ${this.connection.pc1}</dd>
          <dt>Receiving side (pc2): ICE / connection</dt>
          <dd class="pc2">${this.ice.pc2} / ${this.connection.pc2}</dd>
          <dt>Call to first frame</dt>
          <dd class="setup">${this.setupMs === null ? "–" : `${this.setupMs} ms`}</dd>
        </dl>
      </details>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "loopback-demo": LoopbackDemo;
  }
  interface GlobalEventHandlersEventMap {
    "loopback-state": CustomEvent<LoopbackStateDetail>;
    "first-frame": CustomEvent<FirstFrameDetail>;
    "relay-test": CustomEvent<RelayTestDetail>;
  }
}
