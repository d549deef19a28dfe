import type { ReactiveController, ReactiveControllerHost } from "lit";
import { getUserMedia, MEDIA_ERROR_TEXT, type MediaFailure, mediaErrorReason } from "../shared/media-error.ts";

export type { MediaFailure } from "../shared/media-error.ts";

/**
 * The local camera and microphone of one element. Every track it ever handed out is
 * stopped when the element leaves the page, so the camera light cannot stay on.
 */
export class LocalMediaController implements ReactiveController {
  stream: MediaStream | null = null;
  failure: MediaFailure | null = null;
  /** Bumped by stop(): a capture still pending when it changes is thrown away. */
  private generation = 0;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  /**
   * Captures with `constraints` (a kind: true, or the constraints of its track); where that fails for want of a device, tries the kinds one at
   * a time so that a person with only a microphone (or only a camera) can still join.
   * Resolves with the stream (or null); `failure` is set whenever a kind asked for is missing.
   */
  async start(constraints: { audio: boolean | MediaTrackConstraints; video: boolean | MediaTrackConstraints }): Promise<MediaStream | null> {
    this.stop();
    const generation = this.generation;
    this.failure = null;
    let stream: MediaStream | null = null;
    let firstError: unknown = null;
    const attempts = [constraints];
    if (constraints.audio && constraints.video) attempts.push({ audio: constraints.audio, video: false }, { audio: false, video: constraints.video });
    for (const attempt of attempts) {
      try {
        stream = await getUserMedia(attempt);
        break;
      } catch (err) {
        firstError ??= err;
        const reason = mediaErrorReason(err);
        // A refusal or a broken page will not change with fewer kinds.
        if (reason === "permission-denied" || reason === "insecure-context") break;
      }
    }
    if (generation !== this.generation) {
      stream?.getTracks().forEach((t) => t.stop());
      return null;
    }
    if (firstError) {
      // The first (fullest) attempt's error says why a kind is missing.
      const reason = mediaErrorReason(firstError);
      this.failure = { reason, message: MEDIA_ERROR_TEXT[reason] };
    }
    this.stream = stream;
    this.host.requestUpdate();
    return stream;
  }

  /** Enables or disables the tracks of one kind (the sender keeps its track: no renegotiation). */
  setEnabled(kind: "audio" | "video", enabled: boolean): void {
    this.stream?.getTracks().forEach((t) => {
      if (t.kind === kind) t.enabled = enabled;
    });
    this.host.requestUpdate();
  }

  has(kind: "audio" | "video"): boolean {
    return (this.stream?.getTracks() ?? []).some((t) => t.kind === kind);
  }

  /** Stops every track; harmless to call again. */
  stop(): void {
    this.generation++;
    this.stream?.getTracks().forEach((t) => t.stop());
    this.stream = null;
  }

  hostDisconnected(): void {
    this.stop();
  }
}
