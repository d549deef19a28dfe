import type { ReactiveController, ReactiveControllerHost } from "lit";
import { play } from "../../shared/first-frame.ts";
import type { MediaState } from "../session/peer-media.ts";

/**
 * The other peers' media as `<video-call>` shows it, keyed by peer id: one stream per peer
 * holding its sound and its picture together, played by that peer's own `<video>`. Tiles
 * are rendered with `repeat` on the same keys, so a peer coming or going never touches
 * another's playback.
 */
export class RemoteMedia implements ReactiveController {
  /** Peers whose media is here (with at least one track), in arrival order. */
  readonly streams = new Map<string, MediaStream>();
  /** Peers whose sound the browser would not play before a click. */
  readonly blocked = new Set<string>();
  /** What each peer says of its own microphone and camera (over its link). */
  readonly said = new Map<string, MediaState>();
  private readonly videos = new Map<string, HTMLVideoElement>();
  private readonly refs = new Map<string, (el: Element | undefined) => void>();

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly onBlocked: (peer: string) => void,
  ) {
    host.addController(this);
  }

  /** `peer`'s tracks changed; `stream` holds the current ones. */
  set(peer: string, stream: MediaStream): void {
    if (stream.getTracks().length === 0) return this.delete(peer);
    this.streams.set(peer, stream);
    this.host.requestUpdate();
    const video = this.videos.get(peer);
    if (!video) return; // its tile is rendered next, and the ref plays it
    // A new connection brings a new stream; a track added to the one playing may need a nudge.
    if (video.srcObject !== stream) video.srcObject = stream;
    if (video.paused) void this.start(peer, video);
  }

  /** `peer` said where its microphone and camera are; true when that changed anything. */
  tell(peer: string, state: MediaState): boolean {
    const was = this.said.get(peer);
    this.said.set(peer, state);
    this.host.requestUpdate();
    return !was || was.microphone !== state.microphone || was.camera !== state.camera;
  }

  delete(peer: string): void {
    const video = this.videos.get(peer);
    if (video) video.srcObject = null;
    this.streams.delete(peer);
    this.blocked.delete(peer);
    this.said.delete(peer);
    this.videos.delete(peer);
    this.refs.delete(peer);
    this.host.requestUpdate();
  }

  clear(): void {
    for (const peer of [...this.streams.keys()]) this.delete(peer);
  }

  /** The `ref` callback of `peer`'s `<video>` (the same function every render). */
  ref(peer: string): (el: Element | undefined) => void {
    let fn = this.refs.get(peer);
    if (!fn) {
      fn = (el) => {
        if (!el) return void this.videos.delete(peer);
        const video = el as HTMLVideoElement;
        this.videos.set(peer, video);
        const stream = this.streams.get(peer);
        if (stream && video.srcObject !== stream) {
          video.srcObject = stream;
          void this.start(peer, video);
        }
      };
      this.refs.set(peer, fn);
    }
    return fn;
  }

  /** Plays `peer`'s sound after a click (the browser had refused to autoplay it). */
  async unblock(peer: string): Promise<void> {
    const video = this.videos.get(peer);
    if (!video) return;
    video.muted = false;
    if ((await play(video)) === "playing") {
      this.blocked.delete(peer);
      this.host.requestUpdate();
    } else {
      video.muted = true;
    }
  }

  hostDisconnected(): void {
    this.clear();
  }

  private async start(peer: string, video: HTMLVideoElement) {
    if ((await play(video)) === "blocked" && this.streams.has(peer) && !this.blocked.has(peer)) {
      // Browsers let muted media play by itself (Firefox as installed refuses only the sound):
      // the picture shows while the click for the sound is awaited.
      video.muted = true;
      void play(video);
      this.blocked.add(peer);
      this.host.requestUpdate();
      this.onBlocked(peer);
    }
  }
}
