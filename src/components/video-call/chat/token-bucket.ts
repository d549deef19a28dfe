/**
 * A token bucket per key: `burst` at once, then `rate` a second. Keeps a limit on how fast
 * each sender's messages are taken, without timers.
 */
import { type Rate, refill } from "../../../shared/token-bucket.ts";

export class TokenBucket {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly rate: Rate;

  constructor(perSecond: number, burst: number) {
    this.rate = { perSecond, burst };
  }

  /** Takes a token for `key`: false when its bucket is empty (the message is over the limit). */
  take(key: string, now = performance.now()): boolean {
    const b = this.buckets.get(key) ?? { tokens: this.rate.burst, at: now };
    b.tokens = refill(b.tokens, (now - b.at) / 1000, this.rate);
    b.at = now;
    this.buckets.set(key, b);
    if (b.tokens < 1) return false;
    b.tokens--;
    return true;
  }

  forget(key: string): void {
    this.buckets.delete(key);
  }

  clear(): void {
    this.buckets.clear();
  }
}
