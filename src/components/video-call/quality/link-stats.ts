/**
 * What `quality()` is given, read from a link's getStats(): running totals at one moment
 * (`readCounters`), and a sample between two of them (`sample`), for what this side receives
 * (its tile of the peer) or what it sends (its own tile).
 */
import type { QualitySample } from "./quality.ts";

/** One look at a link's statistics, summed over its audio and video. */
export interface LinkCounters {
  /** When it was read, in milliseconds. */
  at: number;
  /** Inbound RTP packets received and lost (running totals). */
  received: number;
  lost: number;
  /** Inbound video frames decoded, outbound video frames sent (running totals). */
  decoded: number;
  /** Inbound video packets received (running total): with `decoded`, whether the picture's decoder is stuck. */
  videoReceived: number;
  sent: number;
  /**
   * Jitter of the inbound sound, ms: what a jitter buffer must absorb, so what delays speech.
   * Video's figure is left out: its packets leave in bursts, frame by frame, so it runs high on
   * links that are fine.
   */
  jitter: number;
  /** Outbound RTP packets sent (running total). */
  packetsSent: number;
  /** Of them, the picture's; and of what the peer reports lost, the picture's (running totals). */
  videoPacketsSent: number;
  upVideoLost: number;
  /** What the peer reports of what this side sends (RTCP receiver reports): packets lost (running total), and the sound's jitter (ms). */
  upLost: number;
  upJitter: number;
  /**
   * The share of the sound lost that the peer's latest report of it gives (since its report
   * before), if at most UP_REPORT_FRESH_MS old; null where there is none such, or the browser
   * gives no `fractionLost`.
   */
  upSoundLost: number | null;
  /** Round trip, ms (the highest the RTCP reports measured); null before any. */
  rtt: number | null;
}

/** The fields read here, of whichever entry has them. */
interface Stat {
  type: string;
  kind?: string;
  packetsReceived?: number;
  packetsLost?: number;
  framesDecoded?: number;
  framesSent?: number;
  packetsSent?: number;
  jitter?: number;
  roundTripTime?: number;
  fractionLost?: number;
  timestamp?: number;
}

/**
 * How old a peer's report may be and still say how what is sent fares. Sound is reported
 * every 5 s or so in Chromium (2.5 to 7.5 s apart), and on a lossy path some reports are lost too; sound
 * no longer sent is no longer reported, and its last word does not stand for long.
 */
export const UP_REPORT_FRESH_MS = 20_000;

/**
 * Sums `report` up (packets of sound and picture together). The round trip is the one the RTCP reports measure (`remote-inbound-rtp`,
 * in both browsers, about once a second with video), the highest of them.
 */
export function readCounters(report: RTCStatsReport, at: number): LinkCounters {
  const c: LinkCounters = { at, received: 0, lost: 0, decoded: 0, videoReceived: 0, sent: 0, jitter: 0, packetsSent: 0, videoPacketsSent: 0, upLost: 0, upVideoLost: 0, upJitter: 0, upSoundLost: null, rtt: null };
  // A report's entries of the peer's reports are stamped when each came; the rest when read.
  let readAt = 0;
  let sound: { lost: number; at: number } | undefined;
  report.forEach((s: Stat) => {
    readAt = Math.max(readAt, s.timestamp ?? 0);
    if (s.type === "inbound-rtp") {
      c.received += s.packetsReceived ?? 0;
      c.lost += Math.max(0, s.packetsLost ?? 0);
      c.decoded += s.framesDecoded ?? 0;
      if (s.kind === "video") c.videoReceived += s.packetsReceived ?? 0;
      if (s.kind === "audio") c.jitter = (s.jitter ?? 0) * 1000;
    } else if (s.type === "outbound-rtp") {
      c.sent += s.framesSent ?? 0;
      c.packetsSent += s.packetsSent ?? 0;
      if (s.kind === "video") c.videoPacketsSent += s.packetsSent ?? 0;
    } else if (s.type === "remote-inbound-rtp") {
      c.upLost += Math.max(0, s.packetsLost ?? 0);
      if (s.kind === "video") c.upVideoLost += Math.max(0, s.packetsLost ?? 0);
      if (s.kind === "audio") c.upJitter = (s.jitter ?? 0) * 1000;
      if (s.roundTripTime !== undefined) c.rtt = Math.max(c.rtt ?? 0, s.roundTripTime * 1000);
      if (s.kind === "audio" && s.fractionLost !== undefined) sound = { lost: s.fractionLost, at: s.timestamp ?? 0 };
    }
  });
  if (sound && readAt - sound.at <= UP_REPORT_FRESH_MS) c.upSoundLost = sound.lost;
  return c;
}

/**
 * The sample from `from` to `to`: of what arrives (`up` false: loss and frames counted here)
 * or of what is sent (`up` true: loss and jitter as the peer reports them, frames sent).
 * Of what is sent, where the browser gives the share of the sound lost (`upSoundLost`): the
 * worse of that and the picture's packets the reports say were lost over those it sent. The
 * sound is reported every 5 s only, so counted over a few seconds with the rest, its losses
 * would be spread over the picture's packets of every second, and a third of the sound lost
 * would read as a few percent. (The picture's own `fractionLost` is left out: its reports
 * are many, each of a few packets, and swing widely.) Elsewhere, the packets the reports say
 * were lost over all those sent. A report that is not renewed (RTCP lost too) adds no loss.
 * Frames a second count only while `picture` is expected, and once frames had come at `from`
 * (the first frames of a call come slowly).
 */
export function sample(from: LinkCounters, to: LinkCounters, connected: boolean, picture: boolean, silentMs: number, up: boolean): QualitySample {
  const share = (lost: number, expected: number) => (expected > 0 ? Math.min(1, lost / expected) : 0);
  const lost = (a: number, b: number) => Math.max(0, b - a);
  const arrivedLost = lost(from.lost, to.lost);
  const packetLoss = !up
    ? share(arrivedLost, to.received - from.received + arrivedLost)
    : to.upSoundLost !== null
      ? Math.max(to.upSoundLost, share(lost(from.upVideoLost, to.upVideoLost), to.videoPacketsSent - from.videoPacketsSent))
      : share(lost(from.upLost, to.upLost), to.packetsSent - from.packetsSent);
  const seconds = (to.at - from.at) / 1000;
  const frames = up ? [from.sent, to.sent] : [from.decoded, to.decoded];
  return {
    connected,
    rtt: to.rtt,
    packetLoss,
    jitter: up ? to.upJitter : to.jitter,
    fps: picture && frames[0]! > 0 && seconds > 0 ? (frames[1]! - frames[0]!) / seconds : null,
    silentMs: up ? 0 : silentMs,
  };
}

/** Picture packets that must have come, none of them making a frame, for the decoder to count as stuck. */
const STUCK_PACKETS = 10;

/**
 * The picture's decoder is stuck from `from` to `to`: its packets keep coming and none
 * becomes a frame, after frames had been decoded. That is what a gap in the path leaves
 * when the frames after it refer to ones lost in it: the browser asks the sender for a key
 * frame by itself only after about 3 s without one.
 */
export function pictureStuck(from: LinkCounters, to: LinkCounters): boolean {
  return from.decoded > 0 && to.decoded === from.decoded && to.videoReceived - from.videoReceived >= STUCK_PACKETS;
}
