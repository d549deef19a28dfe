/** The embedded, single-process implementation of Rooms. */
import type { JoinOutcome, Member, Missed, RelayOutcome, Rooms } from "./rooms.ts";
import type { LeaveReason, ServerMessage } from "../shared/protocol.ts";

export interface MemoryRoomsOptions {
  capacity: number;
  maxRooms: number;
}

export function createMemoryRooms({ capacity, maxRooms }: MemoryRoomsOptions): Rooms {
  // room name → its members in join order. A room holds at most 16, so an array is both
  // smaller than a Map per room and as quick to search.
  const rooms = new Map<string, Member[]>();

  /** Delivers to all but `except`; who did not take it (rare: objects only then). */
  const broadcast = (members: Member[], except: string, frame: string, from?: string): "sent" | Missed => {
    let missed: Missed | null = null;
    for (const m of members) {
      if (m.id === except) continue;
      const d = m.deliver(frame, from);
      if (d !== "sent") (missed ??= { busy: [], away: [] })[d].push(m.id);
    }
    return missed ?? "sent";
  };
  const find = (members: Member[], id: string) => {
    for (const m of members) if (m.id === id) return m;
    return undefined;
  };
  const encode = (msg: ServerMessage) => JSON.stringify(msg);

  return {
    capacity,

    async join(room, member): Promise<JoinOutcome> {
      let members = rooms.get(room);
      if (!members) {
        if (rooms.size >= maxRooms) return { kind: "room-limit" };
        members = [];
        rooms.set(room, members);
      }
      const at = members.findIndex((m) => m.id === member.id);
      if (at >= 0) {
        const previous = members[at]!;
        members[at] = member;
        previous.evict();
        // What was sent to the old socket may be lost: the others renegotiate what is pending.
        broadcast(members, member.id, encode({ type: "peer-resumed", peer: member.id }));
        return { kind: "joined", peers: members.filter((m) => m !== member).map((m) => m.id), replaced: true };
      }
      if (members.length >= capacity) return { kind: "full", capacity };
      const peers = members.map((m) => m.id);
      members.push(member);
      broadcast(members, member.id, encode({ type: "peer-joined", peer: member.id }));
      return peers.length === 0 ? { kind: "created" } : { kind: "joined", peers, replaced: false };
    },

    async leave(room, member, reason: LeaveReason) {
      const members = rooms.get(room);
      const at = members ? members.indexOf(member) : -1;
      if (!members || at < 0) return;
      members.splice(at, 1);
      if (members.length === 0) {
        rooms.delete(room);
        return;
      }
      broadcast(members, member.id, encode({ type: "peer-left", peer: member.id, reason }));
    },

    relay(room, from, to, frame): RelayOutcome {
      const members = rooms.get(room);
      if (!members) return "no-such-peer";
      if (to === undefined) return broadcast(members, from, frame, from);
      const target = to === from ? undefined : find(members, to);
      if (!target) return "no-such-peer";
      const d = target.deliver(frame, from);
      return d === "sent" ? "sent" : d === "busy" ? { busy: [to], away: [] } : { busy: [], away: [to] };
    },

    async occupancy(room) {
      return rooms.get(room)?.length ?? 0;
    },

    roomCount() {
      return rooms.size;
    },
  };
}
