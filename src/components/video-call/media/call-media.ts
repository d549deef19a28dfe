import type { ReactiveControllerHost } from "lit";
import type { PeerLink } from "../../controllers/peer-link.ts";
import { emit } from "../../shared/events.ts";
import type { MediaErrorReason, MediaFailure } from "../../shared/media-error.ts";
import { DeviceController, type DeviceKind } from "../devices/device-controller.ts";
import { remember } from "../devices/memory.ts";
import type { DeviceChangeDetail, ScreenShareDetail } from "../events.ts";
import { mediaStateMessage } from "../session/peer-media.ts";
import { SelfMedia } from "./self-media.ts";

/** What of `<video-call>` its media reads and sets: the attributes that ask, and those that tell. */
export interface CallMediaHost extends ReactiveControllerHost, EventTarget {
  audio: boolean;
  video: boolean;
  mediaError: MediaErrorReason | null;
  sharingScreen: boolean;
}

export interface CallMediaOptions {
  /** Bumped by every join and hang-up: a capture, device or screen still pending when it changes gives up. */
  generation(): number;
  /** A call is on: started and not ended. */
  inCall(): boolean;
  /** The lobby is shown. */
  inLobby(): boolean;
  /** The connections to the peers, which send what this side sends. */
  links(): Iterable<PeerLink>;
  /** Tells every peer something over the connections. */
  tellAll(message: unknown): void;
  /** The remote media elements: their sound goes to the chosen speaker. */
  outputs(): Iterable<HTMLMediaElement>;
  /** The call's state is to be derived again. */
  refresh(): void;
}

/**
 * This side's media as a call uses it: capturing camera and microphone (for the lobby's
 * preview, or once a seat is had), turning them on and off, a shared screen in the camera's
 * place, switching devices, asking again after a failure, and telling the peers what is sent.
 * The call's own state (started, ended, the generation of its start) stays the element's.
 */
export class CallMedia {
  readonly self: SelfMedia;
  readonly hardware: DeviceController;
  /** Camera and microphone are being started. */
  starting = false;
  /** The next capture is the lobby's, already done: it goes on into the call. */
  keep = false;

  constructor(
    private readonly host: CallMediaHost,
    private readonly o: CallMediaOptions,
  ) {
    this.self = new SelfMedia(host, () => void this.stopScreenShare());
    this.hardware = new DeviceController(host, {
      media: this.self.camera,
      apply: async (added) => {
        if (added) this.self.set(added, true);
        await this.self.apply(o.links());
        this.tellMedia();
        host.requestUpdate();
      },
      outputs: () => o.outputs(),
      epoch: () => o.generation(),
      changed: (d) => emit<DeviceChangeDetail>(host, "device-change", d),
    });
  }

  /**
   * Captures what `audio` and `video` ask for; a missing kind is a `media-error`, not the end
   * of the call. The state is the caller's to refresh afterwards: for a call, the session
   * does once the connections are begun, so that making them does not wait for a render.
   */
  async capture(): Promise<void> {
    if (this.keep) return void (this.keep = false);
    const generation = this.o.generation();
    const host = this.host;
    host.mediaError = null;
    this.starting = host.audio || host.video;
    this.o.refresh();
    const constraints = await this.hardware.constraints({ audio: host.audio, video: host.video });
    if (generation !== this.o.generation()) return;
    const current = await this.self.capture(constraints);
    if (!current || generation !== this.o.generation()) return;
    void this.hardware.captured();
    this.starting = false;
    const failure = this.self.failure;
    if (failure) {
      // Join all the same, with what there is: seeing and hearing the others beats an error page.
      host.mediaError = failure.reason;
      emit<MediaFailure>(host, "media-error", failure);
    }
  }

  /** Asks again in a call (after a refusal, a missing or a busy device) and sends what it gets; whether both kinds are there now. */
  async retry(): Promise<boolean> {
    if (!this.o.inCall() || this.starting) return false;
    await this.capture();
    this.o.refresh();
    await this.send();
    return this.self.failure === null;
  }

  /** Sends what this side has now on every link, and tells the peers. */
  async send(): Promise<void> {
    await this.self.apply(this.o.links());
    this.tellMedia();
  }

  /** Turns the microphone or camera on or off (without renegotiation); whether it is on now. */
  toggle(kind: "audio" | "video", on: boolean): boolean {
    const now = this.self.set(kind, on);
    this.tellMedia();
    this.host.requestUpdate();
    return now;
  }

  /** Shares a screen in the camera's place (the browser asks which); whether one is shared now. */
  async shareScreen(): Promise<boolean> {
    if (!this.o.inCall()) return false;
    const host = this.host;
    const generation = this.o.generation();
    const track = await this.self.screen.start();
    if (!track) return host.sharingScreen && generation === this.o.generation();
    if (generation !== this.o.generation()) {
      // Hung up (or moved on) while the browser was asking.
      this.self.screen.stop();
      return false;
    }
    const wasSharing = host.sharingScreen;
    host.sharingScreen = true;
    await this.self.apply(this.o.links());
    this.tellMedia();
    if (!wasSharing) emit<ScreenShareDetail>(host, "screen-share", { sharing: true });
    return true;
  }

  /** Stops sharing the screen; the camera (if any) is sent again. */
  async stopScreenShare(): Promise<void> {
    const host = this.host;
    if (!host.sharingScreen) return;
    this.self.screen.stop();
    host.sharingScreen = false;
    emit<ScreenShareDetail>(host, "screen-share", { sharing: false });
    await this.self.apply(this.o.links());
    this.tellMedia();
  }

  /** Uses this camera or microphone from now on (in the lobby and in a call; otherwise only remembered). */
  async setDevice(kind: DeviceKind, deviceId: string): Promise<boolean> {
    if (this.o.inLobby() || this.o.inCall()) return this.hardware.select(kind, deviceId);
    remember(kind, deviceId);
    return false;
  }

  /** Tells every peer, over the links, what this side sends now. */
  tellMedia(): void {
    this.o.tellAll(mediaStateMessage(this.self.state()));
  }

  /** Stops everything (but what the lobby captured, with `keep`: the call goes on with it). */
  stop(keep = false): void {
    if (!keep) this.self.stop();
    this.keep = false;
    this.hardware.notice = "";
    this.starting = false;
    this.host.sharingScreen = false;
  }
}
