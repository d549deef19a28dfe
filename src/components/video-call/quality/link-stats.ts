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
  /** What the peer reports of what this side sends (RTCP receiver reports): packets lost (running total), and the sound's jitter (ms). */
  upLost: number;
  upJitter: number;
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
}

/**
 * Sums `report` up (packets of sound and picture together). The round trip is the one the RTCP reports measure (`remote-inbound-rtp`,
 * in both browsers, about once a second with video), the highest of them.
 */
export function readCounters(report: RTCStatsReport, at: number): LinkCounters {
  const c: LinkCounters = { at, received: 0, lost: 0, decoded: 0, videoReceived: 0, sent: 0, jitter: 0, packetsSent: 0, upLost: 0, upJitter: 0, rtt: null };
  report.forEach((s: Stat) => {
    if (s.type === "inbound-rtp") {
      c.received += s.packetsReceived ?? 0;
      c.lost += Math.max(0, s.packetsLost ?? 0);
      c.decoded += s.framesDecoded ?? 0;
      if (s.kind === "video") c.videoReceived += s.packetsReceived ?? 0;
      if (s.kind === "audio") c.jitter = (s.jitter ?? 0) * 1000;
    } else if (s.type === "outbound-rtp") {
      c.sent += s.framesSent ?? 0;
      c.packetsSent += s.packetsSent ?? 0;
    } else if (s.type === "remote-inbound-rtp") {
      c.upLost += Math.max(0, s.packetsLost ?? 0);
      if (s.kind === "audio") c.upJitter = (s.jitter ?? 0) * 1000;
      if (s.roundTripTime !== undefined) c.rtt = Math.max(c.rtt ?? 0, s.roundTripTime * 1000);
    }
  });
  return c;
}
/**
 * The sample from `from` to `to`: of what arrives (`up` false: loss and frames counted here)
 * or of what is sent (`up` true: loss and jitter as the peer reports them, frames sent). A
 * report that is not renewed (RTCP lost too) adds no loss.
 * Frames a second count only while `picture` is expected, and once frames had come at `from`
 * (the first frames of a call come slowly).
 */
export function sample(from: LinkCounters, to: LinkCounters, connected: boolean, picture: boolean, silentMs: number, up: boolean): QualitySample {
  const lost = Math.max(0, up ? to.upLost - from.upLost : to.lost - from.lost);
  // Of what was sent, as far as the reports go (they lag it by a second or so); of what was expected here.
  const expected = up ? to.packetsSent - from.packetsSent : to.received - from.received + lost;
  const seconds = (to.at - from.at) / 1000;
  const frames = up ? [from.sent, to.sent] : [from.decoded, to.decoded];
  return {
    connected,
    rtt: to.rtt,
    packetLoss: expected > 0 ? Math.min(1, lost / expected) : 0,
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
