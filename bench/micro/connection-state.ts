/**
 * Micro-benchmark: JavaScript heap per joined socket, without the sockets. Ours: what the
 * signaling handler allocates for a socket in a room of two (its Connection with two token
 * buckets, a Member with two closures, its id, its seat in the real rooms module, its entry
 * in the socket set). Baseline: what the bare relay keeps (`{ room }` and a Set per room).
 * The native socket itself is the same for both and is not here. Prints one JSON line.
 */
import { createConnection } from "../../src/server/connection.ts";
import { createMemoryRooms } from "../../src/server/memory-rooms.ts";
import { randomId } from "../../src/server/random-id.ts";
import type { Member } from "../../src/server/rooms.ts";

const args = JSON.parse(process.argv[2] ?? "{}") as { sockets?: number; part?: string };
const N = args.sockets ?? 20_000;

function heapAfterGc(): number {
  Bun.gc(true);
  return process.memoryUsage().heapUsed;
}

/** Reachable from the module, so nothing measured is collected before it is counted. */
const alive: unknown[] = [];

/** Heap bytes per socket of what `make` keeps for N sockets (N/2 rooms of two). */
function perSocket(make: () => (i: number) => unknown): number {
  const before = heapAfterGc();
  const add = make();
  const kept: unknown[] = new Array(N);
  for (let i = 0; i < N; i++) kept[i] = add(i);
  alive.push(add, kept);
  return (heapAfterGc() - before) / N;
}

/** Stand-in for Bun's ServerWebSocket: only its `data` is ours; methods are shared, as on the real one. */
const send = (_ws: object, _frame: string) => {};
const roomOf = (i: number) => `idle-0-${i >> 1}`;

/** What signaling.ts keeps per joined socket, piece by piece (each measured alone, then all). */
const ourParts: Record<string, () => (i: number) => unknown> = {
  "Connection (with its two token buckets)": () => () => createConnection("127.0.0.1", { perSecond: 50, burst: 200 }),
  "peer id (12 characters)": () => () => randomId(9),
  "Member (id, deliver and evict closures)": () => () => {
    const c = { closed: false };
    return { id: "", deliver: (frame: string) => !c.closed && send(c, frame), evict: () => (c.closed = true) };
  },
  "seat in the rooms module (room name, Map per room, entry)": () => {
    const rooms = createMemoryRooms({ capacity: 2, maxRooms: 1e7 });
    const member = (id: string): Member => ({ id, deliver() {}, evict() {} });
    return (i) => void rooms.join(roomOf(i), member(String(i & 1)));
  },
  "entry in the set of open sockets": () => {
    const sockets = new Set<object>();
    return () => sockets.add({});
  },
};

/**
 * The layout suggested for ours: the same fields, the token buckets as plain numbers, the
 * connection its own room member (methods on the class, no closures), a room as an array.
 */
class CompactConnection {
  id: string | null = null;
  room: string | null = null;
  joining = false;
  closed = false;
  throttled = false;
  timedOut = false;
  tokens: number;
  tokensAt: number;
  strikes: number;
  strikesAt: number;
  lastSeen: number;
  constructor(
    readonly address: string,
    readonly ws: object,
    burst: number,
    now: number,
  ) {
    this.tokens = this.strikes = burst;
    this.tokensAt = this.strikesAt = this.lastSeen = now;
  }
  deliver(frame: string) {
    if (!this.closed) send(this.ws, frame);
  }
  evict() {
    this.room = null;
  }
}

const wholes: Record<string, () => (i: number) => unknown> = {
  "candidate: ours in the suggested compact layout": () => {
    const rooms = new Map<string, CompactConnection[]>();
    const sockets = new Set<object>();
    return (i) => {
      const ws: { data?: CompactConnection } = {};
      const c = (ws.data = new CompactConnection("127.0.0.1", ws, 200, performance.now()));
      sockets.add(ws);
      c.id = randomId(9);
      c.room = roomOf(i);
      const seats = rooms.get(c.room);
      if (seats) seats.push(c);
      else rooms.set(c.room, [c]);
      return ws;
    };
  },
  "ours, all of it": () => {
    const rooms = createMemoryRooms({ capacity: 2, maxRooms: 1e7 });
    const sockets = new Set<object>();
    return (i) => {
      const ws = { data: createConnection("127.0.0.1", { perSecond: 50, burst: 200 }) };
      const c = ws.data;
      sockets.add(ws);
      const id = randomId(9);
      const room = roomOf(i);
      const member: Member = {
        id,
        deliver: (frame) => {
          if (!c.closed) send(ws, frame);
        },
        evict: () => {
          c.room = null;
        },
      };
      void rooms.join(room, member);
      c.room = room;
      c.id = id;
      c.member = member;
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
  console.log(JSON.stringify({ bytes: perSocket(all[args.part]!) }));
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
const compact = measured["candidate: ours in the suggested compact layout"]!;

console.log(JSON.stringify({ sockets: N, heapBytesPerSocket: { bare, ours, compact }, oursParts: parts }));
process.exit(0);
