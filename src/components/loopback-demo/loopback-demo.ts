import { LitElement, css, html } from "lit";
import { customElement, state } from "lit/decorators.js";
import { type MediaFailure, LocalMediaController } from "../controllers/local-media-controller.ts";
import { emit } from "../shared/events.ts";
import { firstFrame } from "../shared/first-frame.ts";
import { theme } from "../shared/theme.ts";

export type LoopbackState = "idle" | "starting" | "started" | "calling" | "connected" | "hung-up" | "error";

export interface LoopbackStateDetail {
  state: LoopbackState;
}
export interface FirstFrameDetail {
  /** Milliseconds from Call to the first remote frame on screen. */
  ms: number;
}

/**
 * Two RTCPeerConnections in one page calling each other: Start captures the camera and
 * microphone, Call connects `pc1` (sending) to `pc2` (receiving), Hang Up closes both and
 * stops the camera. It shows each side's ICE and connection state and the time from Call to
 * the first remote frame: a quick self-test of a browser.
 *
 * @fires loopback-state - The demo's state changed; detail `{ state }`.
 * @fires first-frame - The remote video showed its first frame; detail `{ ms }` since Call.
 * @fires media-error - The camera or microphone could not be had; detail `{ reason, message }`.
 *
 * @csspart videos - The grid holding both videos.
 * @csspart local-video - The local preview (muted).
 * @csspart remote-video - The video received by `pc2`.
 * @csspart controls - The row of buttons.
 * @csspart button - Each button.
 * @csspart status - The state lines.
 *
 * @cssprop --rc-accent - Background of the main button.
 * @cssprop --rc-accent-text - Text colour of the main button.
 * @cssprop --rc-danger - Hang Up button and errors.
 * @cssprop --rc-radius - Corner radius of videos and buttons.
 * @cssprop --rc-gap - Space between videos.
 * @cssprop --rc-video-background - Background of an empty video.
 * @cssprop --rc-tile-min-width - Narrowest a video may get before wrapping.
 */
@customElement("loopback-demo")
export class LoopbackDemo extends LitElement {
  static override styles = [
    theme,
    css`
      dl {
        display: grid;
        grid-template-columns: max-content 1fr;
        gap: 0.1rem 1rem;
        margin: 0.5rem 0 0;
      }
      dd {
        margin: 0;
        font-family: ui-monospace, monospace;
      }
      .error {
        color: var(--rc-danger, #c62828);
      }
    `,
  ];

  /** Where the demo is. */
  @state() accessor state: LoopbackState = "idle";
  /** Milliseconds from Call to the first remote frame of the last call, or null. */
  @state() accessor setupTimeMs: number | null = null;
  @state() accessor failure: MediaFailure | null = null;
  @state() private accessor ice = { pc1: "new", pc2: "new" };
  @state() private accessor connection = { pc1: "new", pc2: "new" };

  private readonly media = new LocalMediaController(this);
  private pc1: RTCPeerConnection | null = null;
  private pc2: RTCPeerConnection | null = null;
  private abort: AbortController | null = null;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.release();
  }

  /** Captures camera and microphone and shows the preview. */
  async start(): Promise<void> {
    this.release();
    this.setState("starting");
    const stream = await this.media.start({ audio: true, video: true });
    if (!stream) {
      this.failure = this.media.failure;
      this.setState("error");
      emit(this, "media-error", this.failure);
      return;
    }
    this.failure = null;
    this.setState("started");
    await this.updateComplete;
    this.local.srcObject = stream;
  }

  /** Connects pc1 to pc2 in this page and measures the time to the first remote frame. */
  async call(): Promise<void> {
    const stream = this.media.stream;
    if (!stream || this.pc1) return;
    this.setState("calling");
    this.setupTimeMs = null;
    const abort = (this.abort = new AbortController());
    const pc1 = (this.pc1 = new RTCPeerConnection());
    const pc2 = (this.pc2 = new RTCPeerConnection());
    const began = performance.now();

    // Candidates go straight across: there is no signaling server in one page.
    pc1.onicecandidate = (e) => void pc2.addIceCandidate(e.candidate ?? undefined).catch(() => {});
    pc2.onicecandidate = (e) => void pc1.addIceCandidate(e.candidate ?? undefined).catch(() => {});
    for (const [name, pc] of [["pc1", pc1], ["pc2", pc2]] as const) {
      pc.oniceconnectionstatechange = () => (this.ice = { ...this.ice, [name]: pc.iceConnectionState });
      pc.onconnectionstatechange = () => {
        this.connection = { ...this.connection, [name]: pc.connectionState };
        if (pc1.connectionState === "connected" && pc2.connectionState === "connected") this.setState("connected");
      };
    }
    // ontrack fires once per track; the remote video is set once per stream.
    pc2.ontrack = (e) => {
      const remote = e.streams[0] ?? new MediaStream([e.track]);
      if (this.remote.srcObject !== remote) this.remote.srcObject = remote;
    };
    firstFrame(this.remote, abort.signal).then(
      (t) => {
        this.setupTimeMs = Math.round(t - began);
        emit<FirstFrameDetail>(this, "first-frame", { ms: this.setupTimeMs });
      },
      () => {},
    );

    for (const track of stream.getTracks()) pc1.addTrack(track, stream);
    try {
      await pc1.setLocalDescription();
      await pc2.setRemoteDescription(pc1.localDescription!);
      await pc2.setLocalDescription();
      await pc1.setRemoteDescription(pc2.localDescription!);
    } catch {
      // Hung up while negotiating: nothing more to do.
      if (!abort.signal.aborted) this.setState("error");
    }
  }

  /** Closes both connections and stops the camera. Harmless to call again. */
  hangUp(): void {
    const was = this.state;
    this.release();
    if (was !== "idle" && was !== "hung-up") this.setState("hung-up");
  }

  /** The receiving side's statistics (inbound-rtp has framesDecoded), or null outside a call. */
  async getStats(): Promise<RTCStatsReport | null> {
    return this.pc2 ? this.pc2.getStats() : null;
  }

  private release() {
    this.abort?.abort();
    this.abort = null;
    for (const pc of [this.pc1, this.pc2]) {
      if (!pc) continue;
      pc.onicecandidate = pc.ontrack = pc.oniceconnectionstatechange = pc.onconnectionstatechange = null;
      pc.close();
    }
    this.pc1 = this.pc2 = null;
    this.media.stop();
    for (const v of this.renderRoot.querySelectorAll?.("video") ?? []) v.srcObject = null;
    this.ice = { pc1: "closed", pc2: "closed" };
    this.connection = { pc1: "closed", pc2: "closed" };
  }

  private setState(state: LoopbackState) {
    if (this.state === state) return;
    this.state = state;
    emit<LoopbackStateDetail>(this, "loopback-state", { state });
  }

  private get local(): HTMLVideoElement {
    return this.renderRoot.querySelector("video.local")!;
  }
  private get remote(): HTMLVideoElement {
    return this.renderRoot.querySelector("video.remote")!;
  }

  override render() {
    const s = this.state;
    const started = s === "started" || s === "calling" || s === "connected";
    return html`
      <div class="videos" part="videos">
        <figure class="tile">
          <video class="local" part="local-video" muted playsinline autoplay></video>
          <figcaption>Local (pc1 sends)</figcaption>
        </figure>
        <figure class="tile">
          <video class="remote" part="remote-video" muted playsinline autoplay></video>
          <figcaption>Remote (pc2 receives)</figcaption>
        </figure>
      </div>
      <div class="controls" part="controls">
        <button part="button" class="primary" ?disabled=${started || s === "starting"} @click=${() => this.start()}>Start</button>
        <button part="button" class="primary" ?disabled=${s !== "started"} @click=${() => this.call()}>Call</button>
        <button part="button" class="danger" ?disabled=${!started} @click=${() => this.hangUp()}>Hang Up</button>
      </div>
      <div part="status" role="status">
        ${this.failure ? html`<p class="state error">${this.failure.message}</p>` : html`<p class="state">State: ${s}</p>`}
        <dl>
          <dt>pc1 ICE / connection</dt>
          <dd class="pc1">${this.ice.pc1} / ${this.connection.pc1}</dd>
          <dt>pc2 ICE / connection</dt>
          <dd class="pc2">${this.ice.pc2} / ${this.connection.pc2}</dd>
          <dt>Call to first frame</dt>
          <dd class="setup">${this.setupTimeMs === null ? "–" : `${this.setupTimeMs} ms`}</dd>
        </dl>
      </div>
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
  }
}
