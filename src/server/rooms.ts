/**
 * Room state and delivery, behind one small interface so that a multi-node backend can
 * replace the in-memory one without touching the WebSocket handler.
 */
import type { LeaveReason } from "../shared/protocol.ts";

/** One connection as the rooms see it: an id and a way to hand it an encoded frame. */
export interface Member {
  readonly id: string;
  deliver(frame: string): void;
}

export type JoinOutcome =
  | { kind: "created" }
  | { kind: "joined"; peers: string[] }
  | { kind: "full"; capacity: number }
  | { kind: "room-limit" };

export interface Rooms {
  readonly capacity: number;
  /**
   * Adds `member` to `room` if there is a seat, atomically, and tells those already there
   * (`peer-joined`).
   */
  join(room: string, member: Member): Promise<JoinOutcome>;
  /** Removes a peer and tells those remaining (`peer-left`); frees an empty room at once. */
  leave(room: string, peerId: string, reason: LeaveReason): Promise<void>;
  /**
   * Hands `frame` to peer `to` of `room`, or to every peer but `from` when `to` is absent.
   * Returns false when `to` is not in the room.
   */
  relay(room: string, from: string, to: string | undefined, frame: string): boolean;
  /** Number of peers in a room now (0 for no such room). */
  occupancy(room: string): Promise<number>;
  /** Number of rooms held now. */
  roomCount(): number;
}
