import type { ReactiveController, ReactiveControllerHost } from "lit";

/** How often the level is read (the meter needs no more). */
const EVERY_MS = 100;

/**
 * The loudness of a microphone track, 0–1, for a level meter: a Web Audio analyser on the
 * track, read a few times a second while it is watched. Stopped with the track, or when the
 * element leaves the page.
 */
export class MicLevelController implements ReactiveController {
  level = 0;
  private context: AudioContext | null = null;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  /** Watches the first audio track of `stream` (none: the level stays 0). */
  watch(stream: MediaStream | null): void {
    this.stop();
    const track = stream?.getAudioTracks()[0];
    if (!track || typeof AudioContext === "undefined") return;
    const context = (this.context = new AudioContext());
    const analyser = context.createAnalyser();
    analyser.fftSize = 512;
    context.createMediaStreamSource(new MediaStream([track])).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    this.timer = setInterval(() => {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const v of samples) sum += v * v;
      // RMS on a rough loudness scale: speech reads well above the middle, silence near 0.
      const level = Math.min(1, Math.sqrt(sum / samples.length) * 4);
      if (Math.abs(level - this.level) > 0.01) {
        this.level = level;
        this.host.requestUpdate();
      }
    }, EVERY_MS);
  }

  /** Browsers hold Web Audio until a click or key press on the page: call this in one. */
  resume(): void {
    void this.context?.resume();
  }

  stop(): void {
    clearInterval(this.timer);
    void this.context?.close();
    this.context = null;
    if (this.level !== 0) {
      this.level = 0;
      this.host.requestUpdate();
    }
  }

  hostDisconnected(): void {
    this.stop();
  }
}
