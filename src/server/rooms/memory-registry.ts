/** The embedded room registry: one process, a map of rooms. The default without REDIS_URL. */
import type { JoinResult, LeaveResult, RoomRegistry, RoomState, SeatRecord } from "./registry.ts";

export interface MemoryRegistryOptions {
  capacity: number;
  maxRooms: number;
}

export function createMemoryRegistry({ capacity, maxRooms }: MemoryRegistryOptions): RoomRegistry {
  // Room → its seats in join order. A room holds at most 16: an array is smaller than a map
  // and as quick to search.
  const rooms = new Map<string, SeatRecord[]>();
  // One counter for every room: versions and epochs are never reused, even by a room made
  // anew. A room's state is as of the counter's latest value, as with Redis.
  let version = 0;
  const state = (seats: SeatRecord[]): RoomState => ({ version, seats: seats.slice() });

  return {
    capacity,

    async join(name, id, node, profile): Promise<JoinResult> {
      let room = rooms.get(name);
      if (!room) {
        if (rooms.size >= maxRooms) return { kind: "room-limit" };
        room = [];
        rooms.set(name, room);
      }
      const at = room.findIndex((s) => s.id === id);
      if (at < 0 && room.length >= capacity) return { kind: "full", capacity };
      const replaced = at >= 0 ? room[at]! : null;
      const seat: SeatRecord = { id, node, epoch: ++version, profile: profile ?? replaced?.profile ?? null };
      if (at >= 0) room[at] = seat;
      else room.push(seat);
      return { kind: "seated", seat, replaced, ...state(room) };
    },

    async leave(name, id, epoch): Promise<LeaveResult | null> {
      const room = rooms.get(name);
      const at = room ? room.findIndex((s) => s.id === id && s.epoch === epoch) : -1;
      if (!room || at < 0) return null;
      const [removed] = room.splice(at, 1);
      version++;
      if (room.length === 0) rooms.delete(name);
      return { removed: removed!, ...state(room) };
    },

    async room(name) {
      const room = rooms.get(name);
      return state(room ?? []);
    },

    async occupancy(name) {
      return rooms.get(name)?.length ?? 0;
    },

    async roomCount() {
      return rooms.size;
    },
  };
}
