/**
 * Rooms as the WebSocket handler sees them: joins and leaves that answer asynchronously,
 * relays that answer at once. One implementation (room-hub.ts) over any registry
 * (registry.ts) and node link (node-link.ts).
 */
import type { LeaveReason } from "../../shared/protocol.ts";
import type { Profile } from "../../shared/wire.ts";
import type { Connection } from "../signaling/connection.ts";
import type { Seat } from "./seat.ts";

export type Delivery = "sent" | "busy" | "away";

/** Peers a relay did not reach: too much queued from this sender (`busy`), or reconnecting (`away`). */
export interface Missed {
  busy: string[];
  away: string[];
}

export type RelayOutcome = "sent" | "no-such-peer" | Missed;

export type JoinOutcome =
  | { kind: "created"; seat: Seat }
  /** `replaced`: the connection took over a seat its id already held; the others got `peer-resumed`. */
  | { kind: "joined"; seat: Seat; peers: string[]; profiles: Record<string, Profile>; replaced: boolean }
  | { kind: "full"; capacity: number }
  | { kind: "room-limit" };

/**
 * A join that got a seat, handed to the joiner's `answer` the moment it is had: before
 * anything else of the room can reach the connection.
 */
export type Seated = Extract<JoinOutcome, { kind: "created" | "joined" }>;

/** Where rooms are kept, for /healthz. */
export type RoomStore = { kind: "memory" } | { kind: "redis"; reachable: boolean };

export interface Rooms {
  readonly capacity: number;
  /**
   * Seats `connection` under `id` in `room` if there is a seat, atomically, and tells those
   * already there (`peer-joined`). An id that already holds a seat there (a resumed peer)
   * takes it over: the old connection is closed (4001) and the others get `peer-resumed`.
   * `answer` is called, synchronously, when the seat is had.
   */
  join(room: string, id: string, connection: Connection, profile: Profile | null, answer: (seated: Seated) => void): Promise<JoinOutcome>;
  /**
   * Frees `seat` (only that very seat: not one that took it over) and tells those
   * remaining (`peer-left`); an empty room is freed at once.
   */
  leave(room: string, seat: Seat, reason: LeaveReason): Promise<void>;
  /**
   * Hands `frame` (a `type` message) from `sender`'s seat to peer `to` of `room`, or to
   * every other peer when `to` is absent. `sent` when every addressed peer here took it and the others were
   * sent on to their nodes; `no-such-peer` when `to` is not in the room; otherwise which
   * addressed peers did not take it, and why. A peer on another node that does not take
   * it is reported later, through `onMissed`.
   */
  relay(room: string, sender: Seat, to: string | undefined, frame: string, type: string): RelayOutcome;
  /** A relay from `sender` did not reach `peer` on another node. */
  onMissed(handler: (sender: Connection, why: "busy" | "away", peer: string, type: string) => void): void;
  /** Peers in a room now (0 for no such room). */
  occupancy(room: string): Promise<number>;
  /** Rooms held now (by every node). */
  roomCount(): Promise<number>;
  store(): RoomStore;
  /** This node stops serving: its seats are handed back for a resume on another node. */
  close(graceSeconds: number): Promise<void>;
}
