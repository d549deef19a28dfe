/**
 * Per client address: how many sockets it holds (capped), its budget of frame bytes, and
 * whether it is banned for a while after flooding. An address leaves the map once nothing
 * is counted for it and its budget is full again (so that reconnecting buys no fresh
 * burst); expired bans, and addresses that became idle meanwhile, go in `sweep`, which the
 * heartbeat runs, so that an address that never comes back is not kept for good.
 */
import { type Rate, refill } from "../../shared/token-bucket.ts";

/** One client address, shared by all its connections. */
export class Address {
  /** Sockets open, plus seats held for a resume after a drop. */
  count = 0;
  /** Bytes of work left in the budget (below zero: owed), and when that was counted. */
  private bytes: number;
  private bytesAt: number;

  constructor(
    readonly name: string,
    private readonly budget: Rate,
    now: number,
  ) {
    this.bytes = budget.burst;
    this.bytesAt = now;
  }

  /** Whether the budget is not in debt, refilled to `now`. */
  mayWork(now: number): boolean {
    this.bytes = refill(this.bytes, (now - this.bytesAt) / 1000, this.budget);
    this.bytesAt = now;
    return this.bytes > 0;
  }

  /** Charges work done; the budget may go into debt, which later frames wait out. */
  spend(bytes: number): void {
    this.bytes -= bytes;
  }

  /** Nothing counted and nothing owed: forgetting it changes nothing. */
  idle(now: number): boolean {
    return this.count === 0 && refill(this.bytes, (now - this.bytesAt) / 1000, this.budget) >= this.budget.burst;
  }
}

export interface AddressLimits {
  /** Counts a new socket for `name`, or says why it may not have one. */
  take(name: string): Address | "too-many" | "banned";
  /** A socket of `address` (or the seat it held) is gone. */
  release(address: Address): void;
  /** Refuses new sockets from `name` for `seconds`. */
  ban(name: string, seconds: number): void;
  /** Forgets expired bans and idle addresses. */
  sweep(): void;
  /** Addresses and bans held now. */
  size(): { addresses: number; bans: number };
}

export function createAddressLimits(maxPerAddress: number, budget: Rate, now: () => number = () => performance.now()): AddressLimits {
  const addresses = new Map<string, Address>();
  const bannedUntil = new Map<string, number>();
  return {
    take(name) {
      const until = bannedUntil.get(name);
      if (until !== undefined) {
        if (now() < until) return "banned";
        bannedUntil.delete(name);
      }
      let address = addresses.get(name);
      if (address === undefined) {
        address = new Address(name, budget, now());
        addresses.set(name, address);
      }
      if (address.count >= maxPerAddress) return "too-many";
      address.count++;
      return address;
    },
    release(address) {
      address.count = Math.max(0, address.count - 1);
      if (address.idle(now())) addresses.delete(address.name);
    },
    ban(name, seconds) {
      if (seconds > 0) bannedUntil.set(name, now() + seconds * 1000);
    },
    sweep() {
      const t = now();
      for (const [name, until] of bannedUntil) if (t >= until) bannedUntil.delete(name);
      for (const [name, address] of addresses) if (address.idle(t)) addresses.delete(name);
    },
    size: () => ({ addresses: addresses.size, bans: bannedUntil.size }),
  };
}
