import type { ReactiveController, ReactiveControllerHost } from "lit";
import type { PeerLink } from "../../controllers/peer-link.ts";
import { emit } from "../../shared/events.ts";
import type { ActiveSpeakerDetail } from "../events.ts";
import { activeSpeaker, LISTEN_EVERY_MS, VoiceActivity } from "./voice-activity.ts";

/** The running totals of a sound's energy and duration in `of`'s stats entry of `type`, or null. */
async function totals(of: RTCRtpReceiver | RTCRtpSender, type: string): Promise<[number, number] | null> {
  let t: [number, number] | null = null;
  (await of.getStats()).forEach((s) => {
    if (s.type === type && s.kind === "audio" && s.totalSamplesDuration !== undefined) t = [s.totalAudioEnergy, s.totalSamplesDuration];
  });
  return t;
}

const audio = (x: RTCRtpReceiver | RTCRtpSender) => x.track?.kind === "audio";

/**
 * Who is speaking in the call: each peer's sound as this side plays it (its receiver's
 * `inbound-rtp`), and this side's microphone as sent (its sender's `media-source`, where the
 * browser reports it: Chromium and Safari, not Firefox), looked at every 200 ms.
 * `active-speaker` fires when the peer who has the floor changes.
 */
export class SpeakerController implements ReactiveController {
  /** Peers speaking now. */
  readonly speaking = new Set<string>();
  /** This side's microphone is heard speaking. */
  self = false;
  /** The peer who has the floor, or null. */
  active: string | null = null;
  private readonly voices = new Map<string, { link: PeerLink; voice: VoiceActivity }>();
  private own = { link: null as PeerLink | null, voice: new VoiceActivity() };
  private timer: ReturnType<typeof setInterval> | undefined;
  private busy = false;

  constructor(
    private readonly host: ReactiveControllerHost & EventTarget,
    private readonly links: () => Map<string, PeerLink>,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.timer = setInterval(() => void this.listen(), LISTEN_EVERY_MS);
  }

  hostDisconnected(): void {
    clearInterval(this.timer);
    this.voices.clear();
    this.speaking.clear();
    this.self = false;
    this.active = null;
  }

  private async listen() {
    if (this.busy) return;
    this.busy = true;
    try {
      const links = this.links();
      const now = performance.now();
      const heard = new Map<string, number>();
      for (const peer of this.voices.keys()) if (!links.has(peer)) this.voices.delete(peer);
      for (const [peer, link] of links) {
        let v = this.voices.get(peer);
        if (v?.link !== link) this.voices.set(peer, (v = { link, voice: new VoiceActivity() }));
        const receiver = link.pc.getReceivers().find(audio);
        const t = receiver && (await totals(receiver, "inbound-rtp"));
        if (t && v.voice.hear(t[0], t[1], now)) heard.set(peer, v.voice.level);
      }
      // The microphone as the first link sends it (every link sends the same track).
      const [link] = links.values();
      if (this.own.link !== (link ?? null)) this.own = { link: link ?? null, voice: new VoiceActivity() };
      const sender = link?.pc.getSenders().find(audio);
      const t = sender && (await totals(sender, "media-source"));
      const self = !!t && this.own.voice.hear(t[0], t[1], now);
      const changed = self !== this.self || heard.size !== this.speaking.size || [...heard.keys()].some((p) => !this.speaking.has(p));
      this.self = self;
      this.speaking.clear();
      for (const peer of heard.keys()) this.speaking.add(peer);
      if (changed) this.host.requestUpdate();
      const active = activeSpeaker(this.active, heard);
      if (active !== this.active) {
        this.active = active;
        emit<ActiveSpeakerDetail>(this.host, "active-speaker", { peer: active });
      }
    } finally {
      this.busy = false;
    }
  }
}
