/** One signaling socket's state, kept in Bun's `ws.data`. */
import type { ServerWebSocket } from "bun";
import type { Address } from "../limits/address-limits.ts";
import { Backlog } from "../limits/backlog.ts";
import type { Delivery } from "../rooms/rooms.ts";
import type { Seat } from "../rooms/seat.ts";
import { type Rate, refill } from "../../shared/token-bucket.ts";
import { flushLater } from "./send-batch.ts";

/** The limits of one connection (docs/security.md). */
export interface ConnectionLimits {
  /** Rate limit of messages, and budget of bytes of work. */
  messages: Rate;
  bytes: Rate;
  /** Bytes one room-mate may have waiting in this socket's send queue, and all of them together. */
  queuePerSender: number;
  queueFromRoom: number;
}

/**
 * A class with plain fields (the rate limit's buckets too) rather than objects and
 * closures per socket: the server holds thousands of these.
 */
export class Connection {
  // Fields in the order a relayed message reads them: the sender's first, then the
  // receiver's, then those of joins, leaves and floods. An object's fields are laid out in
  // that order, and at partial load each message finds them out of cache.
  /**
   * What a relayed frame of this connection's starts with, `{"from":"<id>",`: made at its
   * first relay in a room (an idle socket never needs it), and forgotten with the seat.
   */
  stamp = "";
  room: string | null = null;
  /** This connection's seat in `room`, as the rooms know it. */
  seat: Seat | null = null;
  /** A join is in flight: further joins and signals wait for its answer. */
  joining = false;
  /** A rate-limit error was sent and no message has been accepted since. */
  throttled = false;
  closed = false;
  /** Set once Bun has opened the socket. */
  ws: ServerWebSocket<Connection> | null = null;
  /** Room-mates' frames waiting in the send queue, while there are any. */
  private backlog: Backlog | null = null;
  /** Relayed frames waiting for the end of the loop's turn, each followed by its sender (send-batch.ts). */
  private outbox: string[] | null = null;
  private outboxBytes = 0;
  /** Last time (performance.now()) anything arrived, message or pong. */
  lastSeen: number;
  /** Messages that may still be accepted under the rate limit, and when that was counted. */
  private tokens: number;
  private tokensAt: number;
  /** Bytes of work left in the budget (below zero: owed), and when that was counted. */
  private bytes: number;
  private bytesAt: number;
  /** Server-assigned id in the current room; null when in no room. */
  id: string | null = null;
  /** A leave on its way to the rooms: the next join waits for it. */
  leaving: Promise<void> | null = null;
  /** Dropped by the heartbeat: nothing arrived for a whole timeout. */
  timedOut = false;
  /** Index in the list of open sockets; -1 when not in it. */
  slot = -1;
  /** While the seat of a dropped socket is held for a resume: what ends the hold. */
  private hold: (() => void) | null = null;
  /** Messages that may still be dropped for rate before the socket is closed (1008). */
  private strikes: number;
  private strikesAt: number;

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

  /**
   * Sends a frame: one relayed from room-mate `from`, or the server's own without it.
   * `busy`, and not sent, when `from` already has its share of this socket's queue waiting
   * (or the room-mates together have theirs): the queue of a peer that reads stays below
   * the limit at which Bun would close it, whatever a room-mate sends. `away` when the
   * socket is gone (its seat may be held for a resume).
   *
   * A relayed frame waits for the end of the loop's turn while the queue is empty; the
   * server's own go at once, after whatever waits, so the socket sees everything in order.
   */
  deliver(frame: string, from?: string): Delivery {
    const ws = this.ws;
    if (ws === null || this.closed) return "away";
    if (from === undefined) {
      this.send(frame);
      return "sent";
    }
    let backlog = this.backlog;
    if (backlog !== null) {
      const buffered = ws.getBufferedAmount();
      if (buffered === 0) backlog = this.backlog = null;
      else backlog.settle(buffered);
    }
    if (backlog === null) {
      let outbox = this.outbox;
      if (outbox === null) {
        outbox = this.outbox = [];
        flushLater(this);
      }
      outbox.push(frame, from);
      // A turn's burst waits no further than this, then meets the shares below.
      if ((this.outboxBytes += frame.length) > OUTBOX_MAX) this.flush();
      return "sent";
    }
    const own = backlog.of(from);
    if ((own > 0 && own + frame.length > this.limits.queuePerSender) || backlog.queued + frame.length > this.limits.queueFromRoom) return "busy";
    this.write(ws, frame, from);
    return "sent";
  }

  /** The server's own frame to this socket: after the relayed ones waiting, in order. */
  send(frame: string): void {
    const ws = this.ws;
    if (ws === null || this.closed) return;
    if (this.outbox !== null) this.flush();
    ws.send(frame);
  }

  /** Closes the socket once the frames waiting for it have been sent. */
  close(code: number, reason: string): void {
    this.flush();
    this.ws?.close(code, reason);
  }

  /** Sends the relayed frames waiting for this socket (send-batch.ts); dropped if it is gone. */
  flush(): void {
    const outbox = this.outbox;
    if (outbox === null) return;
    this.outbox = null;
    this.outboxBytes = 0;
    const ws = this.ws;
    if (ws === null || this.closed) return;
    for (let i = 0; i < outbox.length; i += 2) this.write(ws, outbox[i]!, outbox[i + 1]!);
  }

  /** Hands a relayed frame to Bun; -1: queued behind others (backpressure), only then is there anything to keep track of. */
  private write(ws: ServerWebSocket<Connection>, frame: string, from: string): void {
    if (ws.send(frame) !== -1) return;
    const backlog = (this.backlog ??= new Backlog());
    backlog.add(from, wireBytes(frame));
    backlog.settle(ws.getBufferedAmount());
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

/**
 * Characters of relayed frames one socket may have waiting for the end of a turn: past
 * this they go at once, and what follows meets the senders' shares of the queue.
 */
const OUTBOX_MAX = 64 * 1024;

/** Bytes a text frame takes in the send queue: its UTF-8 and the frame header. */
function wireBytes(frame: string): number {
  const bytes = Buffer.byteLength(frame);
  return bytes + (bytes < 126 ? 2 : bytes < 65536 ? 4 : 10);
}
