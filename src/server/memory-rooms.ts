/** The embedded, single-process implementation of Rooms. */
import type { JoinOutcome, Member, Rooms } from "./rooms.ts";
import type { LeaveReason, ServerMessage } from "../shared/protocol.ts";

export interface MemoryRoomsOptions {
  capacity: number;
  maxRooms: number;
}

export function createMemoryRooms({ capacity, maxRooms }: MemoryRoomsOptions): Rooms {
  // room name → (peer id → member); insertion order is join order.
  const rooms = new Map<string, Map<string, Member>>();

  const broadcast = (members: Map<string, Member>, except: string, frame: string) => {
    for (const [id, m] of members) if (id !== except) m.deliver(frame);
  };
  const encode = (msg: ServerMessage) => JSON.stringify(msg);

  return {
    capacity,

    async join(room, member): Promise<JoinOutcome> {
      let members = rooms.get(room);
      if (!members) {
        if (rooms.size >= maxRooms) return { kind: "room-limit" };
        members = new Map();
        rooms.set(room, members);
      }
      const previous = members.get(member.id);
      if (previous) {
        members.set(member.id, member);
        previous.evict();
        return { kind: "joined", peers: [...members.keys()].filter((id) => id !== member.id), replaced: true };
      }
      if (members.size >= capacity) return { kind: "full", capacity };
      const peers = [...members.keys()];
      members.set(member.id, member);
      broadcast(members, member.id, encode({ type: "peer-joined", peer: member.id }));
      return peers.length === 0 ? { kind: "created" } : { kind: "joined", peers, replaced: false };
    },

    async leave(room, member, reason: LeaveReason) {
      const members = rooms.get(room);
      const peerId = member.id;
      if (members?.get(peerId) !== member) return;
      members.delete(peerId);
      if (members.size === 0) {
        rooms.delete(room);
        return;
      }
      broadcast(members, peerId, encode({ type: "peer-left", peer: peerId, reason }));
    },

    relay(room, from, to, frame) {
      const members = rooms.get(room);
      if (!members) return false;
      if (to === undefined) {
        broadcast(members, from, frame);
        return true;
      }
      const target = members.get(to);
      if (!target || to === from) return false;
      target.deliver(frame);
      return true;
    },

    async occupancy(room) {
      return rooms.get(room)?.size ?? 0;
    },

    roomCount() {
      return rooms.size;
    },
  };
}
