/** One signaling socket's state, kept in Bun's `ws.data`. */
import type { ServerWebSocket } from "bun";
import type { Seat } from "./seat.ts";
import { type Rate, refill } from "./token-bucket.ts";

/**
 * A class with plain fields (the rate limit's two buckets too) rather than objects and
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
  /** Messages that may still be accepted under the rate limit, and when that was counted. */
  private tokens: number;
  private tokensAt: number;
  /** Messages that may still be dropped for rate before the socket is closed (1008). */
  private strikes: number;
  private strikesAt: number;

  constructor(
    /** Client address, for the per-address connection limit and logs. */
    readonly address: string,
    private readonly rate: Rate,
    now: number = performance.now(),
  ) {
    this.tokens = this.strikes = rate.burst;
    this.tokensAt = this.strikesAt = this.lastSeen = now;
  }

  /** Takes one message from the rate limit; false when it is over. */
  takeMessage(now: number): boolean {
    return this.take("tokens", "tokensAt", now);
  }

  /** Counts one message dropped for rate; false when the budget for those is spent. */
  takeStrike(now: number): boolean {
    return this.take("strikes", "strikesAt", now);
  }

  /** Takes one token from a bucket, refilled for the time since it was last counted. */
  private take(level: "tokens" | "strikes", at: "tokensAt" | "strikesAt", now: number): boolean {
    const tokens = refill(this[level], (now - this[at]) / 1000, this.rate);
    this[at] = now;
    const ok = tokens >= 1;
    this[level] = ok ? tokens - 1 : tokens;
    return ok;
  }
}
