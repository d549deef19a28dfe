/**
 * The room registry in Redis, shared by every node that points at the same database. Each
 * change is one Lua script (scripts.ts), sent as EVALSHA. A call made while Redis does not
 * answer fails at once (StoreUnavailable): signaling answers a join with `unavailable`,
 * which the client retries.
 */
import type Redis from "ioredis";
import type { Profile } from "../../../shared/wire.ts";
import type { JoinResult, LeaveResult, RoomState, SeatRecord, SharedRegistry } from "../registry.ts";
import { type ScriptName, SCRIPTS, scriptSource } from "./scripts.ts";

export const KEY_PREFIX = "roomcall:";

export class StoreUnavailable extends Error {
  constructor() {
    super("Redis is not reachable");
  }
}

type Reply = string | number | null | Reply[];

/**
 * A profile as a seat's record keeps it in Redis: one word (the record is split on spaces),
 * `-` for none, else `v` (verified) or `u` and the name in base64url.
 */
export function profileWord(p: Profile | null): string {
  return p === null ? "-" : (p.verified ? "v" : "u") + Buffer.from(p.name).toString("base64url");
}

function readProfile(word: Reply): Profile | null {
  const w = typeof word === "string" ? word : "-";
  if (w.length < 2 || (w[0] !== "v" && w[0] !== "u")) return null;
  return { name: Buffer.from(w.slice(1), "base64url").toString(), verified: w[0] === "v" };
}

/** { version, id, node, epoch, profile, … } from a script → a room state. */
export function parseState(flat: Reply[]): RoomState {
  const seats: SeatRecord[] = [];
  for (let i = 1; i + 3 < flat.length; i += 4) {
    seats.push({ id: String(flat[i]), node: String(flat[i + 1]), epoch: Number(flat[i + 2]), profile: readProfile(flat[i + 3]!) });
  }
  return { version: Number(flat[0]), seats };
}

export interface RedisRegistry extends SharedRegistry {
  /** Renews `node`'s lease; when it ends (ms, Redis time). */
  renew(node: string, leaseMs: number): Promise<number>;
  /** Frees what lapsed (dead nodes' seats, handed-back seats not resumed): the rooms it changed. */
  sweep(): Promise<{ room: string; reason: "closed" | "timeout"; state: RoomState }[]>;
  /** Tells the watcher, as the lease's sweep finds them. */
  emitFreed(room: string, state: RoomState, reason: "closed" | "timeout"): void;
  emitReconnected(): void;
}

export interface RedisRegistryOptions {
  capacity: number;
  maxRooms: number;
  leaseMs: number;
  /** Hears how long each command took. */
  timed?: (command: string, seconds: number) => void;
}

export function createRedisRegistry(client: Redis, { capacity, maxRooms, leaseMs, timed }: RedisRegistryOptions): RedisRegistry {
  const time = <T>(command: string, p: Promise<T>): Promise<T> => {
    if (!timed) return p;
    const began = performance.now();
    return p.finally(() => timed(command, (performance.now() - began) / 1000));
  };
  for (const name of Object.keys(SCRIPTS) as ScriptName[]) client.defineCommand(name, { numberOfKeys: 0, lua: scriptSource(name) });
  const run = (name: ScriptName, ...args: (string | number)[]): Promise<Reply> => {
    // Fail now rather than queue: the caller answers a join with `unavailable` at once.
    if (client.status !== "ready") return Promise.reject(new StoreUnavailable());
    return time(name, (client as unknown as Record<ScriptName, (...a: (string | number)[]) => Promise<Reply>>)[name](KEY_PREFIX, ...args));
  };
  const direct = <T>(command: string, f: () => Promise<T>): Promise<T> => (client.status === "ready" ? time(command, f()) : Promise.reject(new StoreUnavailable()));
  let watcher: Parameters<SharedRegistry["watch"]>[0] | null = null;

  return {
    kind: "redis",
    capacity,

    async join(room, id, node, profile): Promise<JoinResult> {
      const r = (await run("rcJoin", room, id, node, capacity, maxRooms, profileWord(profile))) as Reply[];
      if (r[0] === "full") return { kind: "full", capacity };
      if (r[0] === "room-limit") return { kind: "room-limit" };
      const state = parseState(r[4] as Reply[]);
      const epoch = Number(r[1]);
      const kept = state.seats.find((s) => s.id === id && s.epoch === epoch)?.profile ?? profile;
      const replaced = r[2] === "" ? null : { id, node: String(r[2]), epoch: Number(r[3]), profile: kept };
      return { kind: "seated", seat: { id, node, epoch, profile: kept }, replaced, ...state };
    },

    async leave(room, id, epoch): Promise<LeaveResult | null> {
      const r = (await run("rcLeave", room, id, epoch)) as Reply[] | null;
      if (r === null) return null;
      return { removed: { id, node: String(r[0]), epoch: Number(r[1]), profile: null }, ...parseState(r[2] as Reply[]) };
    },

    async room(room) {
      return parseState((await run("rcRoom", room)) as Reply[]);
    },

    occupancy: (room) => direct("hlen", () => client.hlen(`${KEY_PREFIX}room:${room}`)),
    roomCount: () => direct("scard", () => client.scard(`${KEY_PREFIX}rooms`)),
    reachable: () => client.status === "ready",

    watch(handlers) {
      watcher = handlers;
    },

    async reassert(node, seats) {
      const known = seats.reduce((v, { seat }) => Math.max(v, seat.epoch), 0);
      const args = seats.flatMap(({ room, seat }) => [room, seat.id, seat.epoch, profileWord(seat.profile)]);
      const [changed, lost] = (await run("rcReassert", node, leaseMs, known, ...args)) as [Reply[][], Reply[]];
      const lostSeats: { room: string; seat: SeatRecord }[] = [];
      for (let i = 0; i + 2 < lost.length; i += 3) lostSeats.push({ room: String(lost[i]), seat: { id: String(lost[i + 1]), node, epoch: Number(lost[i + 2]), profile: null } });
      return { changed: changed.map(([room, flat]) => ({ room: String(room), state: parseState(flat as Reply[]) })), lost: lostSeats };
    },

    async handBack(node, graceMs) {
      await run("rcHandBack", node, graceMs);
    },

    async renew(node, leaseMs) {
      return Number(await run("rcRenew", node, leaseMs));
    },

    async sweep() {
      const r = (await run("rcSweep")) as Reply[][];
      return r.map(([room, reason, flat]) => ({ room: String(room), reason: reason === "timeout" ? "timeout" : "closed", state: parseState(flat as Reply[]) }));
    },

    emitFreed(room, state, reason) {
      watcher?.freed(room, state, reason);
    },
    emitReconnected() {
      watcher?.reconnected();
    },

    async stop() {
      client.disconnect();
    },
  };
}
