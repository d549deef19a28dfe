/** One signaling socket's state, kept in Bun's `ws.data`. */
import type { ServerWebSocket } from "bun";
import type { Address } from "./address-limits.ts";
import type { Seat } from "./seat.ts";
import { type Rate, refill } from "./token-bucket.ts";

/** The rate limits of one connection: messages, and bytes of work (docs/security.md). */
export interface ConnectionLimits {
  messages: Rate;
  bytes: Rate;
}

/**
 * A class with plain fields (the rate limit's buckets too) rather than objects and
 * closures per socket: the server holds thousands of these.
 */
export class Connection {
  /** Server-assigned id in the current room; null when in no room. */
  id: string | null = null;
  room: string | null = null;
  /** This connection's seat in `room`, as the rooms know it. */
  seat: Seat | null = null;
  /** A join is in flight: further joins and signals wait for its answer. */
  joining = false;
  closed = false;
  /** A rate-limit error was sent and no message has been accepted since. */
  throttled = false;
  /** Dropped by the heartbeat: nothing arrived for a whole timeout. */
  timedOut = false;
  /** Last time (performance.now()) anything arrived, message or pong. */
  lastSeen: number;
  /** Index in the list of open sockets; -1 when not in it. */
  slot = -1;
  /** Set once Bun has opened the socket. */
  ws: ServerWebSocket<Connection> | null = null;
  /** While the seat of a dropped socket is held for a resume: what ends the hold. */
  private hold: (() => void) | null = null;
  /** Messages that may still be accepted under the rate limit, and when that was counted. */
  private tokens: number;
  private tokensAt: number;
  /** Messages that may still be dropped for rate before the socket is closed (1008). */
  private strikes: number;
  private strikesAt: number;
  /** Bytes of work left in the budget (below zero: owed), and when that was counted. */
  private bytes: number;
  private bytesAt: number;

  constructor(
    /** Client address: its connection limit and budget, shared with its other sockets. */
    readonly address: Address,
    private readonly limits: ConnectionLimits,
    now: number = performance.now(),
  ) {
    this.tokens = this.strikes = limits.messages.burst;
    this.bytes = limits.bytes.burst;
    this.tokensAt = this.strikesAt = this.bytesAt = this.lastSeen = now;
  }

  /** Holds this closed connection's seat for a resume; `end` runs once, when the hold ends. */
  holdSeat(end: () => void): void {
    this.hold = end;
  }

  /** Ends the hold of the seat, if there is one: it ran out, or the seat was taken over. */
  endHold(): void {
    const end = this.hold;
    this.hold = null;
    end?.();
  }

  /** Takes one message from the rate limit; false when it is over. */
  takeMessage(now: number): boolean {
    return this.take("tokens", "tokensAt", now);
  }

  /**
   * Counts a message dropped for rate, `weight` strikes; false when the budget for those
   * is spent. (A large frame costs the server to receive even when it is dropped.)
   */
  takeStrike(now: number, weight = 1): boolean {
    return this.take("strikes", "strikesAt", now, weight);
  }

  /**
   * Whether this connection's budget of bytes is not in debt, refilled to `now`. What a
   * frame costs is known only once it has been scanned: it is charged afterwards (`spend`),
   * and may run the budget into debt, which the next frames wait out.
   */
  mayWork(now: number): boolean {
    this.bytes = refill(this.bytes, (now - this.bytesAt) / 1000, this.limits.bytes);
    this.bytesAt = now;
    return this.bytes > 0;
  }

  /** Charges work done to this connection and to its address. */
  spend(bytes: number): void {
    this.bytes -= bytes;
    this.address.spend(bytes);
  }

  /** Takes `count` tokens from a bucket, refilled for the time since it was last counted. */
  private take(level: "tokens" | "strikes", at: "tokensAt" | "strikesAt", now: number, count = 1): boolean {
    const tokens = refill(this[level], (now - this[at]) / 1000, this.limits.messages);
    this[at] = now;
    const ok = tokens >= count;
    this[level] = ok ? tokens - count : tokens;
    return ok;
  }
}
