/**
 * Room state and delivery, behind one small interface so that a multi-node backend can
 * replace the in-memory one without touching the WebSocket handler.
 */
import type { LeaveReason } from "../shared/protocol.ts";

/** One connection as the rooms see it: an id and a way to hand it an encoded frame. */
export interface Member {
  readonly id: string;
  /**
   * Hands it a frame relayed from peer `from`, or the server's own without it: `sent`;
   * `busy` when `from` has too much waiting for this member already; `away` while its
   * socket is gone and the seat waits for a resume (nothing is kept for it).
   */
  deliver(frame: string, from?: string): Delivery;
  /** Another connection took this seat over (a resumed peer): close this one. */
  evict(): void;
}

export type Delivery = "sent" | "busy" | "away";

/** Peers a relay did not reach: too much queued from this sender (`busy`), or reconnecting (`away`). */
export interface Missed {
  busy: string[];
  away: string[];
}

export type RelayOutcome = "sent" | "no-such-peer" | Missed;

export type JoinOutcome =
  | { kind: "created" }
  /** `replaced`: the member took over a seat its id already held; the others got `peer-resumed`. */
  | { kind: "joined"; peers: string[]; replaced: boolean }
  | { kind: "full"; capacity: number }
  | { kind: "room-limit" };

export interface Rooms {
  readonly capacity: number;
  /**
   * Adds `member` to `room` if there is a seat, atomically, and tells those already there
   * (`peer-joined`). A member whose id already holds a seat there (a resumed peer) takes
   * that seat over: the old member is evicted and the others get `peer-resumed`.
   */
  join(room: string, member: Member): Promise<JoinOutcome>;
  /**
   * Removes `member` (only that very member: not one that took its seat over) and tells
   * those remaining (`peer-left`); frees an empty room at once.
   */
  leave(room: string, member: Member, reason: LeaveReason): Promise<void>;
  /**
   * Hands `frame` to peer `to` of `room`, or to every peer but `from` when `to` is absent.
   * `sent` when every addressed peer took it; `no-such-peer` when `to` is not in the room;
   * otherwise which addressed peers did not take it, and why (the others did).
   */
  relay(room: string, from: string, to: string | undefined, frame: string): RelayOutcome;
  /** Number of peers in a room now (0 for no such room). */
  occupancy(room: string): Promise<number>;
  /** Number of rooms held now. */
  roomCount(): number;
}
