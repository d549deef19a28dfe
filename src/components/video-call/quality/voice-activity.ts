/**
 * Who is speaking, from audio levels: Galène's way. Every 200 ms the mean energy of the sound
 * since the last look (from the running totals getStats gives: `totalAudioEnergy` over
 * `totalSamplesDuration`) is compared with a threshold, and a voice heard stays "speaking"
 * for a hold time, so a tile does not flicker between words.
 */

/**
 * RMS level (0–1, 1 = full scale) at or above which a voice counts as speaking: about
 * −26 dBFS, between a quiet room after noise suppression (below −40 dBFS) and speech
 * (AGC brings it to −20 to −10 dBFS). Galène uses 0.2 on the same scale; Firefox's fake
 * microphone tone comes at 0.1.
 */
export const SPEAKING_LEVEL = 0.05;
/** How long a voice stays speaking after it was last heard, ms. */
export const HOLD_MS = 700;
/** How often levels are looked at, ms. */
export const LISTEN_EVERY_MS = 200;

/** One source of sound (a peer's, or this side's microphone). */
export class VoiceActivity {
  /** Level of the sound in the last look (RMS, 0–1). */
  level = 0;
  private loudAt = -Infinity;
  private energy = -1;
  private duration = 0;

  /** Takes the source's running totals at `now` (ms); says whether it is speaking. */
  hear(energy: number, duration: number, now: number): boolean {
    if (this.energy >= 0 && duration > this.duration && energy >= this.energy) {
      this.level = Math.sqrt((energy - this.energy) / (duration - this.duration));
      if (this.level >= SPEAKING_LEVEL) this.loudAt = now;
    }
    this.energy = energy;
    this.duration = duration;
    return now - this.loudAt < HOLD_MS;
  }
}

/**
 * The active speaker among those speaking (peer → level): the one who has the floor keeps it
 * while still speaking, else the loudest; null when nobody speaks.
 */
export function activeSpeaker(current: string | null, speaking: Map<string, number>): string | null {
  if (current !== null && speaking.has(current)) return current;
  let best: string | null = null;
  for (const [peer, level] of speaking) if (best === null || level > speaking.get(best)!) best = peer;
  return best;
}
