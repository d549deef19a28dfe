import type { ReactiveController, ReactiveControllerHost } from "lit";
import type { PeerLink } from "../../controllers/peer-link.ts";
import { emit } from "../../shared/events.ts";
import type { ActiveSpeakerDetail, ConnectionQualityDetail } from "../events.ts";
import { type LinkCounters, pictureStuck, readCounters, sample } from "./link-stats.ts";
import { type Quality, quality, steady, worse } from "./quality.ts";
import { activeSpeaker, LISTEN_EVERY_MS, VoiceActivity } from "./voice-activity.ts";

/** Quality is read every this many looks at the levels (every second). */
const QUALITY_EVERY = 5;
/** Loss and frame rate are counted over this many quality readings (about 3 s). */
const WINDOW = 3;
/** A peer is asked for a key frame at most this often: the browser's own request comes after about 3 s. */
const KEY_FRAME_EVERY_MS = 3000;

export interface StatsOptions {
  links(): Map<string, PeerLink>;
  selfId(): string | null;
  /** Whether a picture is expected from `peer` (null: whether this side sends one). */
  picture(peer: string | null): boolean;
  /** `peer`'s picture arrives and none of it can be decoded: it should send a key frame. */
  pictureStuck(peer: string): void;
}

/** What is kept of one link between looks. */
interface Watch {
  link: PeerLink;
  looks: LinkCounters[];
  /** When packets last came (0: none yet). */
  packetAt: number;
  /** When the peer was last asked for a key frame (0: never). */
  keyFrameAskedAt: number;
  /** The last reading's levels, received and sent: a level is shown once two readings in a row say so. */
  down?: Quality;
  up?: Quality;
  /** What this side sends over this link, as last read. */
  sent?: ConnectionQualityDetail;
  /** The peer's sound, and this side's microphone as this link sends it. */
  voice: VoiceActivity;
  mine: VoiceActivity;
}

const isAudio = (x: RTCRtpReceiver | RTCRtpSender) => x.track?.kind === "audio";

/** The running totals of the sound's energy and duration in `of`'s stats entry of `type` (zeros where there are none). */
async function totals(of: RTCRtpReceiver | RTCRtpSender | undefined, type: string): Promise<[number, number]> {
  let t: [number, number] = [0, 0];
  (await of?.getStats())?.forEach((s) => {
    if (s.type === type && s.kind === "audio" && s.totalSamplesDuration !== undefined) t = [s.totalAudioEnergy, s.totalSamplesDuration];
  });
  return t;
}

const detail = (peer: string, q: Quality, rtt: number | null, packetLoss: number): ConnectionQualityDetail => ({
  peer,
  quality: q,
  rtt: rtt === null ? null : Math.round(rtt),
  packetLoss: Math.round(packetLoss * 1000) / 1000,
});

/**
 * What the links' statistics say while in a call: who is speaking (levels every 200 ms)
 * and how good each connection is (every second). Each peer's sound is read as this side
 * plays it (its receiver's `inbound-rtp`), this side's microphone as sent (its sender's
 * `media-source`, where the browser reports it: Chromium does, Firefox does not).
 * Quality is that of what comes from each peer (its tile) and of what this side sends (its
 * own tile: the worst of its links); a level is shown once two readings in a row agree (`lost`
 * at once), so one odd reading (a round trip stretched by a busy machine) does not flap it. `connection-quality` fires when a level changes,
 * `active-speaker` when the peer who has the floor does. A peer whose picture arrives but
 * cannot be decoded (after a gap in the path) is reported at once, so that it can be asked
 * for a key frame rather than waiting for the browser's own request.
 */
export class StatsController implements ReactiveController {
  /** The quality of each peer's link by peer id; of what this side sends under "". */
  readonly quality = new Map<string, ConnectionQualityDetail>();
  /** Peers heard speaking now; "" for this side's microphone. */
  readonly speaking = new Set<string>();
  /** The peer who has the floor, or null. */
  active: string | null = null;
  #watches = new Map<string, Watch>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #busy = false;
  #looks = 0;

  constructor(
    private readonly host: ReactiveControllerHost & EventTarget,
    private readonly o: StatsOptions,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.#timer = setInterval(() => void this.#look(), LISTEN_EVERY_MS);
  }

  hostDisconnected(): void {
    clearInterval(this.#timer);
    this.#watches.clear();
    this.quality.clear();
    this.speaking.clear();
    this.active = null;
  }

  /** Keeps `d` as the quality under `key`; tells when its level changed. */
  #report(key: string, d: ConnectionQualityDetail | undefined) {
    const was = this.quality.get(key);
    if (d) this.quality.set(key, d);
    else this.quality.delete(key);
    if (was?.quality === d?.quality) return;
    this.host.requestUpdate();
    if (d) emit<ConnectionQualityDetail>(this.host, "connection-quality", d);
  }

  async #look() {
    if (this.#busy) return;
    this.#busy = true;
    try {
      const reading = this.#looks++ % QUALITY_EVERY === 0;
      const links = this.o.links();
      for (const peer of this.#watches.keys()) if (!links.has(peer)) this.#watches.delete(peer), this.quality.delete(peer);
      const heard = new Map<string, number>();
      let mine = false;
      let micLink: PeerLink | undefined;
      let sent: ConnectionQualityDetail | undefined;
      for (const [peer, link] of links) {
        let w = this.#watches.get(peer);
        if (w?.link !== link) this.#watches.set(peer, (w = { link, looks: [], packetAt: 0, keyFrameAskedAt: 0, voice: new VoiceActivity(), mine: new VoiceActivity() }));
        // Nothing is heard over a connection that is not up: asking would only hold up the
        // browser's work on it (while it is being made, say).
        if (link.connectionState === "connected") {
          const now = performance.now();
          if (w.voice.hear(...(await totals(link.pc.getReceivers().find(isAudio), "inbound-rtp")), now)) heard.set(peer, w.voice.level);
          // Every link sends the same microphone: the first one up tells.
          if (!micLink) {
            micLink = link;
            mine = w.mine.hear(...(await totals(link.pc.getSenders().find(isAudio), "media-source")), now);
          }
        }
        if (reading) await this.#read(peer, w);
        if (w.sent && (!sent || worse(w.sent.quality, sent.quality) !== sent.quality)) sent = w.sent;
      }
      if (reading) this.#report("", sent);
      const speaking = [...heard.keys(), ...(mine ? [""] : [])];
      if (speaking.length !== this.speaking.size || speaking.some((p) => !this.speaking.has(p))) {
        this.speaking.clear();
        for (const p of speaking) this.speaking.add(p);
        this.host.requestUpdate();
      }
      const active = activeSpeaker(this.active, heard);
      if (active !== this.active) emit<ActiveSpeakerDetail>(this.host, "active-speaker", { peer: (this.active = active) });
    } catch {
      // A connection closed meanwhile (its getStats refuses): the next look sees what is left.
    } finally {
      this.#busy = false;
    }
  }

  /** Reads `peer`'s link: the quality of what comes from it, and of what this side sends it. */
  async #read(peer: string, w: Watch) {
    const connected = w.link.connectionState === "connected";
    // Nothing to say of a connection that has not come up yet.
    if (!connected && !w.looks.length) return;
    const report = await w.link.pc.getStats();
    if (this.#watches.get(peer) !== w) return; // gone (or rebuilt) meanwhile
    const now = performance.now();
    const c = readCounters(report, now);
    const last = w.looks.at(-1);
    if (c.received > (last?.received ?? 0)) w.packetAt = now;
    if (last && this.o.picture(peer) && pictureStuck(last, c) && now - w.keyFrameAskedAt >= KEY_FRAME_EVERY_MS) {
      w.keyFrameAskedAt = now;
      this.o.pictureStuck(peer);
    }
    if (w.looks.push(c) > WINDOW + 1) w.looks.shift();
    const from = w.looks[0]!;
    if (from === c) return;
    const down = sample(from, c, connected, this.o.picture(peer), w.packetAt ? now - w.packetAt : 0, false);
    const level = quality(down);
    const shown = steady(level, w.down, this.quality.get(peer)?.quality);
    if (shown) this.#report(peer, detail(peer, shown, down.rtt, down.packetLoss));
    w.down = level;
    const up = sample(from, c, connected, this.o.picture(null), 0, true);
    const upLevel = quality(up);
    const sent = steady(upLevel, w.up, w.sent?.quality);
    if (sent) w.sent = detail(this.o.selfId() ?? "", sent, up.rtt, up.packetLoss);
    w.up = upLevel;
  }
}
