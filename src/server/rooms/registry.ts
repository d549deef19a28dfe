/**
 * The room registry: who holds which seat of which room, as plain data, behind an
 * asynchronous interface that an in-process map and a shared store (Redis) both implement.
 * It knows nothing of sockets or of the protocol's messages: signaling turns its answers
 * into frames and delivers them (room-hub.ts).
 */
import type { Profile } from "../../shared/wire.ts";

/** One seat as the registry keeps it. `epoch` is new at every join (a resumed seat too), and never reused. */
export interface SeatRecord {
  readonly id: string;
  /** The server process (node) whose socket holds the seat. */
  readonly node: string;
  readonly epoch: number;
  /** How the others know this peer (a name from a join token, or one it chose), if at all. */
  readonly profile: Profile | null;
}

/** A room's seats in join order, and the version of that list (it grows at every change, cluster-wide). */
export interface RoomState {
  readonly version: number;
  readonly seats: readonly SeatRecord[];
}

export type JoinResult =
  /** A new seat (`seat`), or one its id already held taken over (`replaced` was its holder). */
  | ({ kind: "seated"; seat: SeatRecord; replaced: SeatRecord | null } & RoomState)
  | { kind: "full"; capacity: number }
  | { kind: "room-limit" };

/** A seat given up: the room as it is without it. */
export type LeaveResult = RoomState & { removed: SeatRecord };

export interface RoomRegistry {
  readonly capacity: number;
  /**
   * Seats `id` in `room` for `node`, atomically against the room's capacity and the
   * number of rooms. An id that already holds a seat there takes it over whatever the
   * capacity (a resumed peer), keeping its place in the join order, and its profile unless
   * the resuming join brings one.
   */
  join(room: string, id: string, node: string, profile: Profile | null): Promise<JoinResult>;
  /** Frees the seat `id` holds in `room` if it is still that very seat (`epoch`); null if it is not. */
  leave(room: string, id: string, epoch: number): Promise<LeaveResult | null>;
  /** The room as it is now (no seats when there is no such room). */
  room(room: string): Promise<RoomState>;
  /** Seats in a room now. */
  occupancy(room: string): Promise<number>;
  /** Rooms held now, across every node. */
  roomCount(): Promise<number>;
}

/** What a registry shared by several nodes adds: liveness, and a way back after the store was away. */
export interface SharedRegistry extends RoomRegistry {
  readonly kind: "redis";
  /** Whether the store answers now. */
  reachable(): boolean;
  /**
   * `freed`: seats of another node were given up here (its lease ran out, or a seat it
   * handed back was not resumed in time); `reconnected`: the store answers again after it
   * did not.
   */
  watch(handlers: { freed(room: string, state: RoomState, reason: "closed" | "timeout"): void; reconnected(): void }): void;
  /**
   * Puts back the seats `node` holds (a store that restarted has lost them) and frees those
   * of its seats it no longer holds. The rooms this changed, and the seats it could not put
   * back (another connection took them meanwhile).
   */
  reassert(node: string, seats: { room: string; seat: SeatRecord }[]): Promise<{ changed: { room: string; state: RoomState }[]; lost: { room: string; seat: SeatRecord }[] }>;
  /** Hands `node`'s seats back for a resume elsewhere: they are freed in `graceMs` unless one is resumed. */
  handBack(node: string, graceMs: number): Promise<void>;
  stop(): Promise<void>;
}

export const isShared = (r: RoomRegistry): r is SharedRegistry => (r as Partial<SharedRegistry>).kind === "redis";
