/** The embedded room registry: one process, a map of rooms. The default without REDIS_URL. */
import type { JoinResult, LeaveResult, RoomRegistry, RoomState, SeatRecord } from "./registry.ts";

export interface MemoryRegistryOptions {
  capacity: number;
  maxRooms: number;
}

interface Room {
  version: number;
  /** In join order. A room holds at most 16: an array is smaller than a map and as quick to search. */
  seats: SeatRecord[];
}

export function createMemoryRegistry({ capacity, maxRooms }: MemoryRegistryOptions): RoomRegistry {
  const rooms = new Map<string, Room>();
  // One counter for every room: versions and epochs are never reused, even by a room made anew.
  let version = 0;
  const state = (r: Room): RoomState => ({ version: r.version, seats: r.seats.slice() });

  return {
    capacity,

    async join(name, id, node): Promise<JoinResult> {
      let room = rooms.get(name);
      if (!room) {
        if (rooms.size >= maxRooms) return { kind: "room-limit" };
        room = { version: 0, seats: [] };
        rooms.set(name, room);
      }
      const at = room.seats.findIndex((s) => s.id === id);
      if (at < 0 && room.seats.length >= capacity) return { kind: "full", capacity };
      const seat: SeatRecord = { id, node, epoch: ++version };
      room.version = version;
      const replaced = at >= 0 ? room.seats[at]! : null;
      if (at >= 0) room.seats[at] = seat;
      else room.seats.push(seat);
      return { kind: "seated", seat, replaced, ...state(room) };
    },

    async leave(name, id, epoch): Promise<LeaveResult | null> {
      const room = rooms.get(name);
      const at = room ? room.seats.findIndex((s) => s.id === id && s.epoch === epoch) : -1;
      if (!room || at < 0) return null;
      const [removed] = room.seats.splice(at, 1);
      room.version = ++version;
      if (room.seats.length === 0) rooms.delete(name);
      return { removed: removed!, ...state(room) };
    },

    async room(name) {
      const room = rooms.get(name);
      return room ? state(room) : { version: 0, seats: [] };
    },

    async occupancy(name) {
      return rooms.get(name)?.seats.length ?? 0;
    },

    async roomCount() {
      return rooms.size;
    },
  };
}
