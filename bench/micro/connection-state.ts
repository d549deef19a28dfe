/**
 * Micro-benchmark: JavaScript heap per joined socket, without the sockets. Ours: what the
 * signaling handler allocates for a socket in a room of two (its Connection, its Seat, its
 * id, its place in the real rooms module, its entry in the list of open sockets). Baseline: what the
 * bare relay keeps (`{ room }` and a Set per room). The native socket itself is the same
 * for both and is not here. Prints one JSON line.
 */
import { Address } from "../../src/server/limits/address-limits.ts";
import { Connection } from "../../src/server/signaling/connection.ts";
import { createLogger } from "../../src/server/logger.ts";
import { createMemoryRegistry } from "../../src/server/rooms/memory-registry.ts";
import { loneNode } from "../../src/server/rooms/node-link.ts";
import { createRoomHub } from "../../src/server/rooms/room-hub.ts";
import { OpenSockets } from "../../src/server/signaling/open-sockets.ts";
import { randomId } from "../../src/server/random-id.ts";
import { Seat } from "../../src/server/rooms/seat.ts";

const args = JSON.parse(process.argv[2] ?? "{}") as { sockets?: number; part?: string };
const N = args.sockets ?? 20_000;

function heapAfterGc(): number {
  Bun.gc(true);
  return process.memoryUsage().heapUsed;
}

/** Reachable from the module, so nothing measured is collected before it is counted. */
const alive: unknown[] = [];

/** Heap bytes per socket of what `add` keeps for N sockets (N/2 rooms of two); `make`'s own set-up is not counted. */
async function perSocket(make: () => (i: number) => unknown): Promise<number> {
  const add = make();
  const before = heapAfterGc();
  const kept: unknown[] = new Array(N);
  for (let i = 0; i < N; i++) kept[i] = add(i);
  // Joins are answered asynchronously: let them all settle first.
  await Bun.sleep(0);
  alive.push(add, kept);
  return (heapAfterGc() - before) / N;
}

const LIMITS = { messages: { perSecond: 50, burst: 200 }, bytes: { perSecond: 262_144, burst: 1_048_576 }, queuePerSender: 262_144, queueFromRoom: 262_144 };
/** Shared by the address's sockets: not counted per socket. */
const ADDRESS = new Address("127.0.0.1", { perSecond: 1_048_576, burst: 4_194_304 }, 0);
const roomOf = (i: number) => `idle-0-${i >> 1}`;
const someone = new Connection(ADDRESS, LIMITS);
const newRooms = () => createRoomHub(createMemoryRegistry({ capacity: 2, maxRooms: 1e7 }), loneNode(), createLogger("silent"));

/** What signaling.ts keeps per joined socket, piece by piece (each measured alone, then all). */
const ourParts: Record<string, () => (i: number) => unknown> = {
  "Connection (its rate limit in plain fields)": () => () => new Connection(ADDRESS, LIMITS),
  "peer id (12 characters)": () => () => randomId(9),
  "Seat (id, node, epoch, connection and profile)": () => () => new Seat("", "local", 0, someone, null),
  "place in the rooms module (the registry's record and room, the node's view of the room)": () => {
    const rooms = newRooms();
    return (i) => void rooms.join(roomOf(i), String(i & 1), someone, null, () => {});
  },
  "entry in the list of open sockets": () => {
    const sockets = new OpenSockets<{ data: { slot: number } }>();
    // The sockets exist anyway: only the list's share is counted.
    const existing = Array.from({ length: N }, () => ({ data: { slot: -1 } }));
    return (i) => sockets.add(existing[i]!);
  },
};

const wholes: Record<string, () => (i: number) => unknown> = {
  "ours, all of it": () => {
    const rooms = newRooms();
    const sockets = new OpenSockets<{ data: Connection }>();
    return (i) => {
      // Stand-in for Bun's ServerWebSocket: only its `data` is ours.
      const ws = { data: new Connection(ADDRESS, LIMITS) };
      const c = ws.data;
      c.ws = ws as never;
      sockets.add(ws);
      const id = randomId(9);
      const room = roomOf(i);
      void rooms.join(room, id, c, null, (o) => (c.seat = o.seat));
      c.room = room;
      c.id = id;
      return ws;
    };
  },
  "baseline, all of it": () => {
    const rooms = new Map<string, Set<object>>();
    return (i) => {
      const ws = { data: { room: roomOf(i) } };
      let set = rooms.get(ws.data.room);
      if (!set) rooms.set(ws.data.room, (set = new Set()));
      set.add(ws);
      return ws;
    };
  },
};
const all = { ...wholes, ...ourParts };

// One measurement per process: a collector that scans the stack conservatively may keep a
// previous measurement's objects alive and skew the next.
if (args.part !== undefined) {
  console.log(JSON.stringify({ bytes: await perSocket(all[args.part]!) }));
  process.exit(0);
}
const measured: Record<string, number> = {};
for (const part of Object.keys(all)) {
  const out = Bun.spawnSync(["bun", import.meta.path, JSON.stringify({ sockets: N, part })], { stderr: "inherit" });
  measured[part] = JSON.parse(out.stdout.toString()).bytes;
}
const bare = measured["baseline, all of it"]!;
const ours = measured["ours, all of it"]!;
const parts = Object.fromEntries(Object.keys(ourParts).map((k) => [k, measured[k]!]));

console.log(JSON.stringify({ sockets: N, heapBytesPerSocket: { bare, ours }, oursParts: parts }));
process.exit(0);
