/**
 * Token-bucket arithmetic on plain numbers, for the server's connection limits and the
 * browser's chat alike: a server connection keeps its levels as fields of its own rather
 * than as objects, since every byte per socket counts with thousands open.
 */
export interface Rate {
  /** Tokens added a second. */
  perSecond: number;
  /** Most tokens held. */
  burst: number;
}

/** The level of a bucket that held `level` tokens `seconds` ago. */
export function refill(level: number, seconds: number, rate: Rate): number {
  return Math.min(rate.burst, level + seconds * rate.perSecond);
}
