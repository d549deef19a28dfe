import type { ReactiveController, ReactiveControllerHost } from "lit";

/**
 * A captured screen, window or tab of one element. Its track is stopped when sharing
 * stops and when the element leaves the page; `ended` reports the browser's own "Stop
 * sharing" control.
 */
export class ScreenShareController implements ReactiveController {
  /** The captured screen (video only), or null when not sharing. */
  stream: MediaStream | null = null;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly ended: () => void,
  ) {
    host.addController(this);
  }

  /** Whether this browser can share a screen at all (most phones cannot). */
  static get supported(): boolean {
    return typeof navigator !== "undefined" && typeof navigator.mediaDevices?.getDisplayMedia === "function";
  }

  get track(): MediaStreamTrack | null {
    return this.stream?.getVideoTracks()[0] ?? null;
  }

  /**
   * Asks the browser for a screen to share (it shows its own picker), in place of any
   * shared now. Resolves with the track, or null when the person cancelled or the browser
   * refused.
   */
  async start(): Promise<MediaStreamTrack | null> {
    if (!ScreenShareController.supported) return null;
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
    } catch {
      return null;
    }
    const track = stream.getVideoTracks()[0];
    if (!track) {
      stream.getTracks().forEach((t) => t.stop());
      return null;
    }
    // Text and slides: keep them sharp rather than smooth when bandwidth is short.
    track.contentHint = "detail";
    track.addEventListener("ended", () => {
      if (this.stream === stream) this.ended();
    });
    // A screen already shared goes only now: a cancelled picker leaves it as it was.
    this.stop();
    this.stream = stream;
    this.host.requestUpdate();
    return track;
  }

  /** Stops sharing; harmless to call again. */
  stop(): void {
    const stream = this.stream;
    this.stream = null;
    stream?.getTracks().forEach((t) => t.stop());
    if (stream) this.host.requestUpdate();
  }

  hostDisconnected(): void {
    this.stop();
  }
}
