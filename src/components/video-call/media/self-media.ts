import type { ReactiveControllerHost } from "lit";
import { LocalMediaController } from "../../controllers/local-media-controller.ts";
import { OutgoingMedia } from "../../controllers/outgoing-media.ts";
import type { PeerLink } from "../../controllers/peer-link.ts";
import { ScreenShareController } from "../../controllers/screen-share-controller.ts";
import type { MediaFailure } from "../../shared/media-error.ts";
import type { MediaState } from "../session/peer-media.ts";

/** A kind of this side's media, as the buttons and the self tile show it. */
export type KindState = "on" | "off" | "none";

/**
 * This side's media in a call: camera and microphone (on or off), a shared screen in the
 * camera's place, what goes out on every link, and what the peers are told of it.
 */
export class SelfMedia {
  readonly camera: LocalMediaController;
  readonly screen: ScreenShareController;
  readonly outgoing: OutgoingMedia;
  private microphoneOn = true;
  private cameraOn = true;

  constructor(
    private readonly host: ReactiveControllerHost,
    /** The browser's own "Stop sharing" ended the screen. */
    onScreenEnded: () => void,
  ) {
    this.camera = new LocalMediaController(host);
    this.screen = new ScreenShareController(host, onScreenEnded);
    this.outgoing = new OutgoingMedia(this.camera, this.screen);
  }

  get stream(): MediaStream | null {
    return this.camera.stream;
  }

  /** Why a kind asked for could not be had at the last capture, or null. */
  get failure(): MediaFailure | null {
    return this.camera.failure;
  }

  get sharing(): boolean {
    return this.screen.stream !== null;
  }

  /** Captures the kinds asked for; false when it was stopped meanwhile. Both kinds start on. */
  async capture(kinds: { audio: boolean | MediaTrackConstraints; video: boolean | MediaTrackConstraints }): Promise<boolean> {
    if (kinds.audio || kinds.video) {
      const stream = await this.camera.start(kinds);
      if (!stream && !this.camera.failure) return false;
    }
    this.microphoneOn = this.camera.has("audio");
    this.cameraOn = this.camera.has("video");
    this.host.requestUpdate();
    return true;
  }

  kind(kind: "audio" | "video"): KindState {
    if (!this.camera.has(kind)) return "none";
    return (kind === "audio" ? this.microphoneOn : this.cameraOn) ? "on" : "off";
  }

  /** Turns a kind on or off (the sender keeps its track: no renegotiation); whether it is on now. */
  set(kind: "audio" | "video", on: boolean): boolean {
    this.camera.setEnabled(kind, on);
    const now = on && this.camera.has(kind);
    if (kind === "audio") this.microphoneOn = now;
    else this.cameraOn = now;
    return now;
  }

  /** What the peers are told: sound is sent, a picture is sent (camera on, or a screen). */
  state(): MediaState {
    return { microphone: this.kind("audio") === "on", camera: this.sharing || this.kind("video") === "on" };
  }

  /** Sends the current sound and picture on every link. */
  apply(links: Iterable<PeerLink>): Promise<void> {
    return this.outgoing.apply(links);
  }

  stop(): void {
    this.camera.stop();
    this.screen.stop();
  }
}
