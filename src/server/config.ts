/**
 * Server configuration, parsed once at start-up from the environment and passed in.
 * No other module reads `process.env`.
 */
import { isIP } from "node:net";
import * as z from "zod/mini";
import "./zod-english.ts";
import type { IceSettings } from "./credentials/ice-servers.ts";
import { isNarrowerCharset } from "./room-rule.ts";

/** The most MAX_MESSAGE_BYTES may be. */
export const MAX_FRAME_CEILING = 256 * 1024;

/** Room capacity is bounded: a mesh call of more than 16 is beyond what browsers carry. */
export const MAX_ROOM_CAPACITY = 16;

const int = (min: number, max: number) => z.pipe(z.coerce.number(), z.int().check(z.minimum(min), z.maximum(max)));
const list = z.pipe(
  z.string(),
  z.transform((s: string) => s.split(",").map((x) => x.trim()).filter(Boolean)),
);
const urls = (pattern: RegExp, message: string) => z.pipe(list, z.array(z.string().check(z.regex(pattern, message))));
const text = (min: number, message: string) => z.string().check(z.minLength(min, message));
/** A schema with the value taken when the variable is unset. */
const byDefault = z._default;

/** Each key is the environment variable it is read from; defaults sit beside the checks. */
const EnvSchema = z.object({
  PORT: byDefault(int(0, 65535), 3000),
  HOST: byDefault(z.string().check(z.minLength(1)), "127.0.0.1"),
  /** Operators may narrow the protocol's room names: a shorter maximum, fewer characters. */
  ROOM_NAME_MAX_LENGTH: byDefault(int(1, 64), 64),
  ROOM_NAME_CHARSET: byDefault(z.string(), "A-Za-z0-9_-"),
  /** Peers per room; 2 is a one-to-one call. */
  ROOM_CAPACITY: byDefault(int(2, MAX_ROOM_CAPACITY), 2),
  /**
   * Largest accepted frame; bigger ones close the socket with 1009. At most 256 KiB: room
   * for the largest SDP with escapes, while one frame's parse and its copies in the
   * room-mates' send queues stay small.
   */
  MAX_MESSAGE_BYTES: byDefault(int(1024, MAX_FRAME_CEILING), 64 * 1024),
  /** Token bucket per connection: sustained messages per second, and the burst on top. */
  RATE_LIMIT_PER_SECOND: byDefault(int(1, 1_000_000), 50),
  RATE_LIMIT_BURST: byDefault(int(1, 1_000_000), 200),
  /**
   * Budgets of work per connection and per address, in bytes of frame text (a JSON value
   * or key counts 16 more): what the server may spend parsing for one client.
   */
  RATE_LIMIT_BYTES_PER_SECOND: byDefault(int(1024, 1_000_000_000), 256 * 1024),
  RATE_LIMIT_BYTES_BURST: byDefault(int(1024, 1_000_000_000), 1024 * 1024),
  ADDRESS_RATE_LIMIT_BYTES_PER_SECOND: byDefault(int(1024, 1_000_000_000), 1024 * 1024),
  ADDRESS_RATE_LIMIT_BYTES_BURST: byDefault(int(1024, 1_000_000_000), 4 * 1024 * 1024),
  /** A peer silent this long (pings unanswered) is dropped; its room is told. */
  HEARTBEAT_SECONDS: byDefault(int(1, 960), 30),
  /** Origins allowed to open the signaling socket, besides the server's own and localhost. */
  ALLOWED_ORIGINS: byDefault(list, []),
  /**
   * The site's public origin, e.g. https://calls.example.com. When set, requests for any
   * other host name are refused (a page on a rebound host name sends its own name as Host)
   * and only this origin and ALLOWED_ORIGINS may open the signaling socket.
   */
  PUBLIC_ORIGIN: z.optional(z.string()),
  /** After a socket is closed for flooding (1008), its address may not connect for this long. */
  FLOOD_BAN_SECONDS: byDefault(int(0, 86_400), 30),
  /** Connections one client address may hold at once. */
  MAX_CONNECTIONS_PER_ADDRESS: byDefault(int(1, 1_000_000), 64),
  /** Rooms one process holds at once; past it, joins that would open a room are refused. */
  MAX_ROOMS: byDefault(int(1, 10_000_000), 50_000),
  /** Rooms shared with other server processes through this Redis (docs/scaling.md); none: this process alone. */
  REDIS_URL: z.optional(z.string()),
  /** With REDIS_URL: a node that stops renewing its lease this long is taken for dead, and its seats freed. */
  NODE_LEASE_SECONDS: byDefault(int(2, 60), 10),
  /** Signs resume tokens; set it (32+ characters) so that tokens survive a restart. */
  RESUME_SECRET: z.optional(text(32, "must be at least 32 characters")),
  /** A peer whose socket dropped without a close frame keeps its seat this long. */
  RESUME_GRACE_SECONDS: byDefault(int(0, 300), 10),
  /** TURN servers (`turn:` / `turns:` URLs) peers are given, with credentials from TURN_SECRET. */
  TURN_URLS: byDefault(urls(/^turns?:[^\s,]+$/, "each must be a turn: or turns: URL, e.g. turn:turn.example.com:3478?transport=udp"), []),
  /** coturn's static-auth-secret (use-auth-secret): signs each peer's short-lived credentials. */
  TURN_SECRET: z.optional(text(16, "must be at least 16 characters")),
  /** How long a peer's TURN credentials stay good for new allocations; peers ask again before. */
  TURN_TTL_SECONDS: byDefault(int(10, 86_400), 600),
  STUN_URLS: byDefault(urls(/^stuns?:[^\s,]+$/, "each must be a stun: or stuns: URL, e.g. stun:stun.example.com:3478"), []),
  /** `relay`: every call goes through TURN, so peers never learn each other's addresses. */
  ICE_TRANSPORT_POLICY: byDefault(z.enum(["all", "relay"]), "all"),
  /** Joins need a JWT (HS256) signed with this by the embedding site's backend. */
  JOIN_TOKEN_SECRET: z.optional(text(32, "must be at least 32 characters")),
  /** Proxies in front (addresses and CIDR ranges): the client's address is taken from their X-Forwarded-For. */
  TRUSTED_PROXIES: byDefault(list, []),
  /** /metrics asks for this bearer token (and is then off the public site). */
  METRICS_TOKEN: z.optional(text(16, "must be at least 16 characters")),
  /** On SIGTERM, how long /readyz says "draining" before the sockets are closed (for a load balancer to notice). */
  DRAIN_SECONDS: byDefault(int(0, 300), 0),
  LOG_LEVEL: byDefault(z.enum(["info", "error", "silent"]), "info"),
  NODE_ENV: byDefault(z.string(), "development"),
});

export interface Config {
  port: number;
  host: string;
  roomCapacity: number;
  /** Longest room name taken (≤ 64) and the characters allowed, as a regex class body. */
  roomName: { maxLength: number; charset: string };
  maxMessageBytes: number;
  rateLimit: { perSecond: number; burst: number };
  /** Bytes of work per connection and per address (a JSON value or key counts 16 more). */
  byteLimit: { perSecond: number; burst: number };
  addressByteLimit: { perSecond: number; burst: number };
  heartbeatSeconds: number;
  allowedOrigins: string[];
  /** Null unless PUBLIC_ORIGIN pins it. */
  publicOrigin: string | null;
  maxConnectionsPerAddress: number;
  floodBanSeconds: number;
  /** Rooms per process, or per cluster with Redis. */
  maxRooms: number;
  /** Null: rooms in this process only. */
  redis: { url: string; leaseSeconds: number } | null;
  /** Random per process unless RESUME_SECRET is set. */
  resumeSecret: string;
  resumeGraceSeconds: number;
  /** ICE servers and policy handed to peers (see ice-servers.ts). */
  ice: IceSettings;
  /** Null: anyone who knows a room's name may join it. */
  joinTokenSecret: string | null;
  /** Addresses and CIDR ranges of the proxies in front, as given. */
  trustedProxies: string[];
  metricsToken: string | null;
  drainSeconds: number;
  logLevel: "info" | "error" | "silent";
  production: boolean;
}

export class ConfigError extends Error {}

/** Parses the environment; a bad value throws a ConfigError that names the variable. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const r = EnvSchema.safeParse(present);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${lines.join("\n  ")}`);
  }
  const e = r.data;
  if (!isNarrowerCharset(e.ROOM_NAME_CHARSET)) {
    fail("ROOM_NAME_CHARSET", `"${e.ROOM_NAME_CHARSET}" must be a character class within A-Za-z0-9_- (e.g. a-z0-9-)`);
  }
  if (e.TURN_SECRET && e.TURN_URLS.length === 0) fail("TURN_SECRET", "is set, but TURN_URLS is empty: give the TURN servers it is for");
  if (e.TURN_URLS.length > 0 && !e.TURN_SECRET) fail("TURN_URLS", "needs TURN_SECRET (coturn's static-auth-secret) to hand out credentials");
  if (e.ICE_TRANSPORT_POLICY === "relay" && e.TURN_URLS.length === 0) fail("ICE_TRANSPORT_POLICY", "is relay, but no TURN_URLS are set: no call could connect");
  for (const origin of e.ALLOWED_ORIGINS) {
    if (!isOrigin(origin)) fail("ALLOWED_ORIGINS", `"${origin}" is not an origin like https://example.com`);
  }
  for (const proxy of e.TRUSTED_PROXIES) {
    if (!isAddressOrRange(proxy)) fail("TRUSTED_PROXIES", `"${proxy}" is not an IP address or a CIDR range like 10.0.0.0/8`);
  }
  if (e.REDIS_URL !== undefined && !isRedisUrl(e.REDIS_URL)) fail("REDIS_URL", `"${e.REDIS_URL}" is not a URL like redis://127.0.0.1:6379/0`);
  if (e.PUBLIC_ORIGIN !== undefined && !isOrigin(e.PUBLIC_ORIGIN)) {
    throw new ConfigError(`Invalid configuration:\n  PUBLIC_ORIGIN: "${e.PUBLIC_ORIGIN}" is not an origin like https://calls.example.com`);
  }
  return {
    port: e.PORT,
    host: e.HOST,
    roomCapacity: e.ROOM_CAPACITY,
    roomName: { maxLength: e.ROOM_NAME_MAX_LENGTH, charset: e.ROOM_NAME_CHARSET },
    maxMessageBytes: e.MAX_MESSAGE_BYTES,
    rateLimit: { perSecond: e.RATE_LIMIT_PER_SECOND, burst: e.RATE_LIMIT_BURST },
    byteLimit: { perSecond: e.RATE_LIMIT_BYTES_PER_SECOND, burst: e.RATE_LIMIT_BYTES_BURST },
    addressByteLimit: { perSecond: e.ADDRESS_RATE_LIMIT_BYTES_PER_SECOND, burst: e.ADDRESS_RATE_LIMIT_BYTES_BURST },
    heartbeatSeconds: e.HEARTBEAT_SECONDS,
    allowedOrigins: e.ALLOWED_ORIGINS,
    publicOrigin: e.PUBLIC_ORIGIN ?? null,
    maxConnectionsPerAddress: e.MAX_CONNECTIONS_PER_ADDRESS,
    floodBanSeconds: e.FLOOD_BAN_SECONDS,
    maxRooms: e.MAX_ROOMS,
    redis: e.REDIS_URL === undefined ? null : { url: e.REDIS_URL, leaseSeconds: e.NODE_LEASE_SECONDS },
    resumeSecret: e.RESUME_SECRET ?? crypto.getRandomValues(new Uint8Array(32)).toBase64(),
    resumeGraceSeconds: e.RESUME_GRACE_SECONDS,
    ice: {
      turnUrls: e.TURN_URLS,
      turnSecret: e.TURN_SECRET ?? null,
      turnTtlSeconds: e.TURN_TTL_SECONDS,
      stunUrls: e.STUN_URLS,
      transportPolicy: e.ICE_TRANSPORT_POLICY,
    },
    joinTokenSecret: e.JOIN_TOKEN_SECRET ?? null,
    trustedProxies: e.TRUSTED_PROXIES,
    metricsToken: e.METRICS_TOKEN ?? null,
    drainSeconds: e.DRAIN_SECONDS,
    logLevel: e.LOG_LEVEL,
    production: e.NODE_ENV === "production",
  };
}

function isAddressOrRange(s: string): boolean {
  const [address, bits, extra] = s.split("/");
  const family = isIP(address ?? "");
  if (family === 0 || extra !== undefined) return false;
  if (bits === undefined) return true;
  const n = Number(bits);
  return /^\d+$/.test(bits) && n <= (family === 4 ? 32 : 128);
}

function fail(variable: string, why: string): never {
  throw new ConfigError(`Invalid configuration:\n  ${variable}: ${why}`);
}

function isRedisUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return (u.protocol === "redis:" || u.protocol === "rediss:") && u.hostname !== "" && /^(\/\d*)?$/.test(u.pathname);
  } catch {
    return false;
  }
}

function isOrigin(s: string): boolean {
  try {
    const u = new URL(s);
    return (u.protocol === "http:" || u.protocol === "https:") && u.origin === s;
  } catch {
    return false;
  }
}
