import type { LocalMediaController } from "./local-media-controller.ts";
import type { PeerLink } from "./peer-link.ts";
import type { ScreenShareController } from "./screen-share-controller.ts";

/**
 * What one side sends on every link: its microphone, and its camera or, while one is
 * shared, the screen in the camera's place.
 */
export class OutgoingMedia {
  constructor(
    private readonly media: LocalMediaController,
    private readonly screen: ScreenShareController,
  ) {}

  /** The tracks a new link starts with, as one stream (so the other side groups them). */
  stream(): MediaStream | null {
    const screen = this.screen.track;
    if (!screen) return this.media.stream;
    return new MediaStream([...(this.media.stream?.getAudioTracks() ?? []), screen]);
  }

  /** The picture sent now: the shared screen, else the camera, else none. */
  picture(): MediaStreamTrack | null {
    return this.screen.track ?? this.media.stream?.getVideoTracks()[0] ?? null;
  }

  /** What the local preview shows: what the others see. */
  preview(): MediaStream | null {
    return this.screen.stream ?? this.media.stream;
  }

  /** The microphone sent now, or none. */
  sound(): MediaStreamTrack | null {
    return this.media.stream?.getAudioTracks()[0] ?? null;
  }

  /** Sends the current sound and picture on every link (a track swap; a renegotiation where a kind was not sent). */
  async apply(links: Iterable<PeerLink>): Promise<void> {
    const stream = this.stream();
    await Promise.all([...links].map((link) => Promise.all([link.send("audio", this.sound(), stream), link.send("video", this.picture(), stream)])));
  }
}
