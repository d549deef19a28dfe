/**
 * How good a connection is, as a tile's `data-quality` and the `connection-quality` event
 * say: a pure function of one sample of the link's statistics, so it can be read and tested
 * on its own. The levels follow LiveKit's (excellent/good/poor/lost, here good/fair/poor/lost)
 * and Daily's (good/warning/bad): packet loss weighs most, and a link that carries nothing
 * is `lost`.
 *
 * | level | when |
 * |---|---|
 * | `good` | round trip < 300 ms, loss < 2 %, jitter of the sound < 50 ms, and (while a picture is expected) ≥ 10 frames a second |
 * | `fair` | round trip < 500 ms, loss < 5 %, jitter < 150 ms (fewer frames a second is fair at worst) |
 * | `poor` | anything worse |
 * | `lost` | the connection is not connected (disconnected, failed, restarting), or media had been arriving and nothing came for 5 s |
 *
 * LiveKit takes about 10 points off 100 for each percent of loss and calls 80 and 40 the
 * edges of its levels, i.e. about 2 % and 6 % of loss; audio codecs hide a few percent, and
 * video freezes well before 10 %. Round trips above 300 ms make people talk over each other
 * (ITU-T G.114 puts the edge of good at 150 ms one way). Jitter weighs least: a jitter buffer
 * absorbs it at the cost of delay, and its figure swings on busy machines (LiveKit left it out).
 */

export type Quality = "good" | "fair" | "poor" | "lost";

/** Worst last: a level's index says how bad it is. */
export const QUALITIES: readonly Quality[] = ["good", "fair", "poor", "lost"];

export interface QualitySample {
  /** The connection is up (connected). */
  connected: boolean;
  /** Round-trip time in milliseconds, or null before one was measured. */
  rtt: number | null;
  /** Packets lost, as a fraction of those expected (0–1), over the last few seconds. */
  packetLoss: number;
  /** Interarrival jitter of the sound, in milliseconds. */
  jitter: number;
  /** Video frames a second, or null while no picture is expected (camera off, audio only). */
  fps: number | null;
  /** How long no packet came, in milliseconds, after some had (0 while they come). */
  silentMs: number;
}

/** Below each of these, a link is at least `fair`; at or above, worse. */
export const FAIR = { rtt: 300, loss: 0.02, jitter: 50 } as const;
/** At or above any of these, a link is `poor`. */
export const POOR = { rtt: 500, loss: 0.05, jitter: 150 } as const;
/** A picture slower than this many frames a second is `fair` at best. */
export const FPS_FAIR = 10;
/** No packet for this long (after some had come) is `lost`. */
export const LOST_AFTER_MS = 5000;

export function quality(s: QualitySample): Quality {
  if (!s.connected || s.silentMs >= LOST_AFTER_MS) return "lost";
  const over = (t: typeof FAIR | typeof POOR) => (s.rtt ?? 0) >= t.rtt || s.packetLoss >= t.loss || s.jitter >= t.jitter;
  if (over(POOR)) return "poor";
  return over(FAIR) || (s.fps !== null && s.fps < FPS_FAIR) ? "fair" : "good";
}

/** The worse of two levels. */
export const worse = (a: Quality, b: Quality): Quality => (QUALITIES.indexOf(a) >= QUALITIES.indexOf(b) ? a : b);

/**
 * The level to show after a reading of `level` (the one before read `last`): the new one
 * once two readings in a row agree, `lost` at once; else the one `shown` (none at first).
 */
export const steady = (level: Quality, last: Quality | undefined, shown: Quality | undefined): Quality | undefined =>
  level === last || level === "lost" ? level : shown;
