import type { ReactiveController, ReactiveControllerHost } from "lit";

/**
 * A captured screen, window or tab of one element. Its track is stopped when sharing
 * stops and when the element leaves the page; `ended` reports the browser's own "Stop
 * sharing" control.
 */
export class ScreenShareController implements ReactiveController {
  /** The captured screen (video only), or null when not sharing. */
  stream: MediaStream | null = null;
  /**
   * Why the last attempt could not share a screen, as a sentence, when the browser failed
   * rather than the person cancelling (e.g. headless Firefox offers no screen at all); null
   * otherwise.
   */
  failure: string | null = null;

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
    this.failure = null;
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
    } catch (err) {
      this.failure = failureText(err);
      this.host.requestUpdate();
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

  /** Stops sharing, and forgets a failure to share; harmless to call again. */
  stop(): void {
    const stream = this.stream;
    const told = this.failure !== null;
    this.stream = null;
    this.failure = null;
    stream?.getTracks().forEach((t) => t.stop());
    if (stream || told) this.host.requestUpdate();
  }

  hostDisconnected(): void {
    this.stop();
  }
}

/** What to tell the person when getDisplayMedia failed; null when they cancelled or refused. */
function failureText(err: unknown): string | null {
  const name = err instanceof DOMException || err instanceof Error ? err.name : "";
  switch (name) {
    // The person cancelled the picker, or said no: nothing to report.
    case "NotAllowedError":
      return null;
    // Firefox shares only in answer to a click or key press (transient activation).
    case "InvalidStateError":
      return "This browser shares a screen only when you press Share screen.";
    // Firefox without a display (headless) finds nothing to capture.
    case "NotFoundError":
      return "No screen could be shared: the browser found no screen, window or tab to offer.";
    case "NotReadableError":
    case "AbortError":
      return "The screen could not be captured: the system did not allow it.";
    default:
      return "This browser could not share a screen.";
  }
}
