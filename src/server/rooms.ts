/**
 * Room state and delivery, behind one small interface so that a multi-node backend can
 * replace the in-memory one without touching the WebSocket handler.
 */
import type { LeaveReason } from "../shared/protocol.ts";

/** One connection as the rooms see it: an id and a way to hand it an encoded frame. */
export interface Member {
  readonly id: string;
  /**
   * Hands it a frame relayed from peer `from`, or the server's own without it. False when
   * it was not taken: `from` has too much waiting for this member already.
   */
  deliver(frame: string, from?: string): boolean;
  /** Another connection took this seat over (a resumed peer): close this one. */
  evict(): void;
}

export type RelayOutcome = "sent" | "no-such-peer" | "peer-busy";

export type JoinOutcome =
  | { kind: "created" }
  /** `replaced`: the member took over a seat its id already held; the others were not told. */
  | { kind: "joined"; peers: string[]; replaced: boolean }
  | { kind: "full"; capacity: number }
  | { kind: "room-limit" };

export interface Rooms {
  readonly capacity: number;
  /**
   * Adds `member` to `room` if there is a seat, atomically, and tells those already there
   * (`peer-joined`). A member whose id already holds a seat there (a resumed peer) takes
   * that seat over: the old member is evicted and nobody else is told.
   */
  join(room: string, member: Member): Promise<JoinOutcome>;
  /**
   * Removes `member` (only that very member: not one that took its seat over) and tells
   * those remaining (`peer-left`); frees an empty room at once.
   */
  leave(room: string, member: Member, reason: LeaveReason): Promise<void>;
  /**
   * Hands `frame` to peer `to` of `room`, or to every peer but `from` when `to` is absent.
   * `no-such-peer` when `to` is not in the room; `peer-busy` when a recipient did not take
   * it (the others did).
   */
  relay(room: string, from: string, to: string | undefined, frame: string): RelayOutcome;
  /** Number of peers in a room now (0 for no such room). */
  occupancy(room: string): Promise<number>;
  /** Number of rooms held now. */
  roomCount(): number;
}
