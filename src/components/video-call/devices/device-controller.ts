import type { ReactiveController, ReactiveControllerHost } from "lit";
import type { LocalMediaController } from "../../controllers/local-media-controller.ts";
import { getUserMedia, mediaErrorReason } from "../../shared/media-error.ts";
import type { DeviceChangeDetail } from "../events.ts";
import { type DeviceKind, remember, remembered } from "./memory.ts";

export type { DeviceKind } from "./memory.ts";

/** One device a picker offers. */
export interface DeviceOption {
  deviceId: string;
  /** The browser's label, or "Camera 2" and the like where it gives none. */
  label: string;
}

/** What `<video-call>`'s `devices` property lists, and what is in use of each kind. */
export interface CallDevices {
  cameras: DeviceOption[];
  microphones: DeviceOption[];
  /** Empty where the browser cannot choose where sound plays (no `setSinkId`). */
  speakers: DeviceOption[];
  /** The deviceId in use of each kind; null: none (speaker: the browser's default). */
  camera: string | null;
  microphone: string | null;
  speaker: string | null;
}

type InputKind = "camera" | "microphone";

/** Whether the browser can play sound on a chosen output (HTMLMediaElement.setSinkId). */
export const canPickSpeaker = typeof HTMLMediaElement !== "undefined" && "setSinkId" in HTMLMediaElement.prototype;

const TRACK = { camera: "video", microphone: "audio" } as const;
const INFO = { camera: "videoinput", microphone: "audioinput", speaker: "audiooutput" } as const;
const NAME = { camera: "Camera", microphone: "Microphone", speaker: "Speaker" } as const;

export interface DeviceOptions {
  media: LocalMediaController;
  /** Sends the current tracks on every link and tells the peers; `added` is a kind just had again. */
  apply(added?: "audio" | "video"): Promise<void>;
  /** The remote media elements: their sound goes to the chosen speaker. */
  outputs(): Iterable<HTMLMediaElement>;
  /** Bumped by every join and hang-up: a device that opens after it changed is closed again. */
  epoch(): number;
  changed(detail: DeviceChangeDetail): void;
}

/**
 * The cameras, microphones and speakers of one `<video-call>`: the list (kept current on
 * `devicechange`), the choice of each (remembered per origin), switching the device in use
 * with a track swap on every link, and falling back when the device in use goes away.
 */
export class DeviceController implements ReactiveController {
  /** A sentence for the notices area after a device went away (or could not be switched to). */
  notice = "";
  private all: MediaDeviceInfo[] = [];
  private speaker = remembered().speaker ?? "";
  /** Tracks whose `ended` is watched. */
  private readonly watched = new WeakSet<MediaStreamTrack>();
  private readonly losing = new WeakSet<MediaStreamTrack>();
  private readonly onDeviceChange = () => void this.refresh().then(() => this.checkGone());

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly o: DeviceOptions,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    navigator.mediaDevices?.addEventListener?.("devicechange", this.onDeviceChange);
    void this.refresh();
  }

  hostDisconnected(): void {
    navigator.mediaDevices?.removeEventListener?.("devicechange", this.onDeviceChange);
  }

  hostUpdated(): void {
    this.watch();
    // New tiles play on the chosen speaker too.
    if (this.speaker) for (const el of this.o.outputs()) if (el.sinkId !== this.speaker) el.setSinkId(this.speaker).catch(() => {});
  }

  /** Every track however captured (lobby, join, retry, switch) is watched for being unplugged. */
  private watch() {
    for (const track of this.o.media.stream?.getTracks() ?? []) {
      if (this.watched.has(track)) continue;
      this.watched.add(track);
      // Read now: an ended track may no longer say which device it was.
      const id = track.getSettings().deviceId;
      // The handler property (these tracks are this element's own): Firefox ESR 153 was seen to
      // call it, and not listeners, for an `ended` dispatched by script.
      track.onended = () => void this.lost(track.kind === "video" ? "camera" : "microphone", track, id);
    }
  }

  get devices(): CallDevices {
    const list = (kind: DeviceKind) =>
      kind === "speaker" && !canPickSpeaker
        ? []
        : this.all.filter((d) => d.kind === INFO[kind] && d.deviceId).map((d, i) => ({ deviceId: d.deviceId, label: d.label || `${NAME[kind]} ${i + 1}` }));
    return {
      cameras: list("camera"),
      microphones: list("microphone"),
      speakers: list("speaker"),
      camera: this.inUse("camera"),
      microphone: this.inUse("microphone"),
      speaker: this.speaker || null,
    };
  }

  /**
   * What to capture: each kind asked for on its remembered device where that is listed, any
   * other where it is not. (A bare deviceId would be only preferred, and Chromium prefers a
   * camera already open to it.) Where the browser lists no ids yet (no permission given), the
   * remembered one is asked for as preferred.
   */
  async constraints(kinds: { audio: boolean; video: boolean }) {
    await this.refresh();
    const saved = remembered();
    const known = this.all.some((d) => d.deviceId);
    const want = (on: boolean, id?: string) =>
      !on || !id ? on : !known ? { deviceId: id } : this.all.some((d) => d.deviceId === id) ? { deviceId: { exact: id } } : true;
    return { audio: want(kinds.audio, saved.microphone), video: want(kinds.video, saved.camera) };
  }

  /** After a capture: the list now has labels; says where a remembered device was not used. */
  async captured(): Promise<void> {
    await this.refresh();
    const saved = remembered();
    for (const kind of ["camera", "microphone"] as const) {
      const id = this.inUse(kind);
      if (id && saved[kind] && saved[kind] !== id) this.o.changed({ kind, deviceId: id, reason: "unavailable" });
    }
  }

  /** Uses `deviceId` for `kind` from now on (and remembers it); whether it is in use now. */
  async select(kind: DeviceKind, deviceId: string): Promise<boolean> {
    const ok = kind === "speaker" ? await this.setSpeaker(deviceId) : await this.open(kind, deviceId);
    if (!ok) return false;
    remember(kind, deviceId);
    this.notice = "";
    this.o.changed({ kind, deviceId, reason: "selected" });
    this.host.requestUpdate();
    return true;
  }

  /** Reads the list of devices again. */
  async refresh(): Promise<void> {
    try {
      this.all = (await navigator.mediaDevices?.enumerateDevices?.()) ?? [];
    } catch {
      this.all = [];
    }
    this.host.requestUpdate();
  }

  private inUse(kind: InputKind): string | null {
    const track = this.track(kind);
    return track ? (track.getSettings().deviceId ?? null) : null;
  }

  private track(kind: InputKind): MediaStreamTrack | undefined {
    return this.o.media.stream?.getTracks().find((t) => t.kind === TRACK[kind]);
  }

  private async setSpeaker(deviceId: string): Promise<boolean> {
    if (!canPickSpeaker) return false;
    try {
      await Promise.all([...this.o.outputs()].map((el) => el.setSinkId(deviceId)));
    } catch {
      return false;
    }
    this.speaker = deviceId;
    return true;
  }

  /**
   * Opens `deviceId` and swaps it in for the device of that kind on every link (replaceTrack:
   * no renegotiation where the kind was sent already), then stops the old track.
   */
  private async open(kind: InputKind, deviceId: string): Promise<boolean> {
    const epoch = this.o.epoch();
    const old = this.track(kind);
    const ask = () => getUserMedia({ [TRACK[kind]]: { deviceId: { exact: deviceId } } });
    let stream: MediaStream;
    try {
      stream = await ask();
    } catch (err) {
      // Some devices open once at a time (e.g. two cameras of a phone): let go of the old first.
      if (!old || mediaErrorReason(err) !== "device-in-use") return false;
      old.stop();
      try {
        stream = await ask();
      } catch {
        return false;
      }
    }
    const track = stream.getTracks()[0]!;
    if (epoch !== this.o.epoch()) {
      // Hung up (or moved on) meanwhile: the device must not stay on.
      track.stop();
      return false;
    }
    if (old) track.enabled = old.enabled;
    await this.swap(old, track);
    return true;
  }

  /** Sends `track` in place of `old` (none: that kind is no longer sent), then stops `old`. */
  private async swap(old: MediaStreamTrack | undefined, track: MediaStreamTrack | null) {
    const media = this.o.media;
    media.stream = new MediaStream([...(media.stream?.getTracks().filter((t) => t !== old) ?? []), ...(track ? [track] : [])]);
    await this.o.apply(!old && track ? (track.kind as "audio" | "video") : undefined);
    old?.stop();
    this.watch();
    this.host.requestUpdate();
  }

  /** The device in use of `kind` went away: another of that kind takes its place, or none. */
  private async lost(kind: InputKind, track: MediaStreamTrack, gone: string | undefined) {
    // Swapped out already, or both `ended` and `devicechange` said so.
    if (this.track(kind) !== track || this.losing.has(track)) return;
    this.losing.add(track);
    await this.refresh();
    const saved = remembered()[kind];
    const others = this.devices[kind === "camera" ? "cameras" : "microphones"].filter((d) => d.deviceId !== gone);
    const next = others.find((d) => d.deviceId === saved) ?? others[0];
    if (this.track(kind) !== track) return;
    const took = next && (await this.open(kind, next.deviceId)) ? next : null;
    if (!took) await this.swap(track, null);
    this.notice = `Your ${NAME[kind].toLowerCase()} was disconnected; ${took ? `now using ${took.label}` : "the call goes on without it"}.`;
    this.o.changed({ kind, deviceId: took?.deviceId ?? null, reason: "unplugged" });
    this.host.requestUpdate();
  }

  /** After `devicechange`: a device in use no longer listed is treated as unplugged. */
  private checkGone() {
    for (const kind of ["camera", "microphone"] as const) {
      const track = this.track(kind);
      const id = track?.getSettings().deviceId;
      if (track && id && !this.all.some((d) => d.deviceId === id)) void this.lost(kind, track, id);
    }
  }
}
