/**
 * Per client address: how many sockets it holds (capped), and whether it is banned for a
 * while after flooding. Addresses leave the maps as soon as nothing is counted for them;
 * expired bans in `sweep`, which the heartbeat runs, so that an address that never comes
 * back is not kept for good.
 */
export interface AddressLimits {
  /** Counts a new socket for `address`, or says why it may not have one. */
  take(address: string): "ok" | "too-many" | "banned";
  /** A socket of `address` is gone. */
  release(address: string): void;
  /** Refuses new sockets from `address` for `seconds`. */
  ban(address: string, seconds: number): void;
  /** Forgets expired bans. */
  sweep(): void;
  /** Addresses counted and bans held now. */
  size(): { addresses: number; bans: number };
}

export function createAddressLimits(maxPerAddress: number, now: () => number = () => performance.now()): AddressLimits {
  const counts = new Map<string, number>();
  const bannedUntil = new Map<string, number>();
  return {
    take(address) {
      const until = bannedUntil.get(address);
      if (until !== undefined) {
        if (now() < until) return "banned";
        bannedUntil.delete(address);
      }
      const n = counts.get(address) ?? 0;
      if (n >= maxPerAddress) return "too-many";
      counts.set(address, n + 1);
      return "ok";
    },
    release(address) {
      const n = (counts.get(address) ?? 1) - 1;
      if (n <= 0) counts.delete(address);
      else counts.set(address, n);
    },
    ban(address, seconds) {
      if (seconds > 0) bannedUntil.set(address, now() + seconds * 1000);
    },
    sweep() {
      const t = now();
      for (const [address, until] of bannedUntil) if (t >= until) bannedUntil.delete(address);
    },
    size: () => ({ addresses: counts.size, bans: bannedUntil.size }),
  };
}
