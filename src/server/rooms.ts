/**
 * Room state and delivery, behind one small interface so that a multi-node backend can
 * replace the in-memory one without touching the WebSocket handler.
 */
import type { LeaveReason } from "../shared/protocol.ts";

/** One connection as the rooms see it: an id and a way to hand it an encoded frame. */
export interface Member {
  readonly id: string;
  /** False when the member cannot take it now: its socket dropped and the seat is held for a resume. */
  deliver(frame: string): boolean;
  /** Another connection took this seat over (a resumed peer): close this one. */
  evict(): void;
}

export type JoinOutcome =
  | { kind: "created" }
  /** `replaced`: the member took over a seat its id already held; the others got `peer-resumed`. */
  | { kind: "joined"; peers: string[]; replaced: boolean }
  | { kind: "full"; capacity: number }
  | { kind: "room-limit" };

export type RelayOutcome = true | false | string[];

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
   * Returns true when every addressed peer got it; false when `to` is not in the room; or
   * the ids of addressed peers whose seats are held without a socket (nothing is kept for them).
   */
  relay(room: string, from: string, to: string | undefined, frame: string): RelayOutcome;
  /** Number of peers in a room now (0 for no such room). */
  occupancy(room: string): Promise<number>;
  /** Number of rooms held now. */
  roomCount(): number;
}
