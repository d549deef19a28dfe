/**
 * The WebSocket handler: validates every frame at the edge, then dispatches on `type`.
 * Identity is the server's: ids are assigned here and `from` is stamped on every relay.
 * Wire protocol: docs/protocol.md.
 */
import type { ServerWebSocket, WebSocketHandler } from "bun";
import {
  CLIENT_MESSAGE_TYPES,
  CLOSE,
  ClientMessage,
  payloadWithinDepth,
  type ErrorCode,
  type LeaveReason,
  type Profile,
  type ServerMessage,
} from "../../shared/protocol.ts";
import { createAddressLimits } from "../limits/address-limits.ts";
import type { Config } from "../config.ts";
import { compileCheck } from "./compiled-check.ts";
import { Connection } from "./connection.ts";
import { FRAME_LIMITS, FrameScan } from "../limits/frame-scan.ts";
import { HOLLOW_FROM, HollowParse } from "./hollow-parse.ts";
import { randomId } from "../random-id.ts";
import "../zod-english.ts";
import type { Logger } from "../logger.ts";
import { OpenSockets } from "./open-sockets.ts";
import { createIceServers } from "../credentials/ice-servers.ts";
import { createJoinTokens } from "../credentials/join-tokens.ts";
import type { Metrics } from "../http/metrics.ts";
import { createResumeTokens } from "../credentials/resume-tokens.ts";
import { createRoomRule } from "../../shared/room-name.ts";
import type { JoinOutcome, Rooms } from "../rooms/rooms.ts";

type Socket = ServerWebSocket<Connection>;
type RelayMessage = Extract<ClientMessage, { to?: string }>;

/** The schema's own verdict, compiled: zod runs only for what it refuses, to say why. */
const isClientMessage = compileCheck(ClientMessage);

/** What one room-mate may have waiting in a peer's send queue: more of its frames are dropped. */
const SENDER_QUEUE_BYTES = 256 * 1024;
/**
 * A slow reader's send queue may hold this much besides its room-mates' shares before its
 * socket is closed instead of growing: the server's own messages to it.
 */
const BACKPRESSURE_HEADROOM = 1024 * 1024;
/** Peer ids: 72 random bits. */
const PEER_ID_BYTES = 9;
/** What a JSON value or key adds to a frame's cost: parsing one costs about as much as 16 bytes of text. */
const VALUE_BYTES = 16;
/** A dropped frame counts one strike per this many bytes (or part of them). */
const STRIKE_BYTES = 4096;
/** What Bun reports when a socket ended without a close frame. */
const CLOSE_ABNORMAL = 1006;

export interface Signaling {
  /** Bun's handler plus its limits, for `Bun.serve({ websocket })`. */
  readonly websocket: WebSocketHandler<Connection>;
  /**
   * Connection state for a socket about to be upgraded; or why not: the address holds its
   * limit of sockets, or is banned for a while after flooding.
   */
  admit(address: string): Connection | "too-many" | "banned";
  /** Gives back what `admit` took when the upgrade did not happen after all. */
  abandon(c: Connection): void;
  /** Closes every socket (1001 on shutdown) without telling rooms: peers resume elsewhere. */
  closeAll(code: number, reason: string): void;
  connectionCount(): number;
}

export function createSignaling(config: Config, rooms: Rooms, log: Logger, metrics: Metrics): Signaling {
  const sockets = new OpenSockets<Socket>();
  const addresses = createAddressLimits(config.maxConnectionsPerAddress, config.addressByteLimit);
  const limits = {
    messages: config.rateLimit,
    bytes: config.byteLimit,
    queuePerSender: SENDER_QUEUE_BYTES,
    queueFromRoom: (config.roomCapacity - 1) * SENDER_QUEUE_BYTES,
  };
  const tokens = createResumeTokens(config.resumeSecret);
  const ice = createIceServers(config.ice);
  const joinTokens = config.joinTokenSecret === null ? null : createJoinTokens(config.joinTokenSecret);
  const roomRule = createRoomRule(config.roomName.maxLength, config.roomName.charset);
  const scan = new FrameScan(FRAME_LIMITS, HOLLOW_FROM);
  const hollow = new HollowParse(ClientMessage, [payloadWithinDepth]);

  /**
   * A frame with long strings, parsed without them, when it is a message to relay (which
   * reads none of them) that the schema takes; else null, and it goes the exact way.
   */
  const relayedWithoutLongStrings = (raw: string): RelayMessage | null => {
    const value = hollow.read(raw, scan) as { type?: unknown } | undefined;
    const type = value?.type;
    return type === "description" || type === "app" || type === "candidate" ? (value as RelayMessage) : null;
  };

  let shuttingDown = false;

  const send = (ws: Socket, msg: ServerMessage) => {
    ws.data.send(JSON.stringify(msg));
  };
  const fail = (ws: Socket, code: ErrorCode, message: string, peer?: string) => {
    metrics.errors[code].inc();
    log.info("error", { code, room: ws.data.room ?? undefined, peer: ws.data.id ?? undefined });
    send(ws, peer === undefined ? { type: "error", code, message } : { type: "error", code, message, peer });
  };

  const leaveRoom = async (c: Connection, reason: LeaveReason) => {
    const { room, id, seat } = c;
    if (room === null || id === null || seat === null) return;
    c.room = null;
    c.id = null;
    c.seat = null;
    // A join that follows waits for this leave: the registry sees them in order.
    const leaving = rooms.leave(room, seat, reason).finally(() => {
      if (c.leaving === leaving) c.leaving = null;
    });
    c.leaving = leaving;
    await leaving;
    log.info("leave", { room, peer: id, reason });
  };

  const join = async (ws: Socket, room: string, resume: string | undefined, token: string | undefined, name: string | undefined) => {
    const c = ws.data;
    const began = performance.now();
    const claimed = resume === undefined ? null : tokens.verify(resume, room);
    if (resume !== undefined && claimed === null) metrics.resumes.refused.inc();
    const id = claimed ?? randomId(PEER_ID_BYTES);
    c.joining = true;
    let outcome: JoinOutcome;
    // Where joins need tokens, only a token's name is shown (as verified); elsewhere the name
    // a peer gives itself, marked as such.
    let profile: Profile | null = joinTokens === null && name !== undefined ? { name, verified: false } : null;
    try {
      // A valid resume token is its own admission, for the seat it was issued for: a call in
      // progress is not cut when the join token it began with expires.
      if (joinTokens !== null && claimed === null) {
        const check = await joinTokens.check(token, room);
        if (!check.ok) {
          metrics.joins.unauthorized.inc();
          log.info("unauthorized", { room, problem: check.problem });
          // Nothing more about the room: no occupancy, no `full`.
          if (!c.closed) fail(ws, "unauthorized", check.message);
          return;
        }
        if (check.claims.name !== null) profile = { name: check.claims.name, verified: true };
      }
      // A leave still on its way failed or not: the seat it gave up is not this one's business.
      if (c.leaving !== null) await c.leaving.catch(() => {});
      // Answered the moment the seat is had, before anything else of the room reaches the socket.
      outcome = await rooms.join(room, id, c, profile, (seated) => {
        if (c.closed) return;
        c.room = room;
        c.id = id;
        c.stamp = "";
        c.seat = seated.seat;
        const resumed = claimed !== null;
        if (resumed) metrics.resumes[seated.kind === "joined" && seated.replaced ? "seat" : "id"].inc();
        metrics.joins[seated.kind].inc();
        metrics.joinSeconds.observe((performance.now() - began) / 1000);
        log.info("join", { room, peer: id, resumed });
        const own = seated.seat.profile;
        const info = { room, id, capacity: rooms.capacity, resume: tokens.issue(room, id), resumed, ice: ice.issue(id), ...(own ? { profile: own } : {}) };
        send(ws, seated.kind === "created" ? { type: "created", ...info } : { type: "joined", ...info, peers: seated.peers, profiles: seated.profiles });
      });
    } catch (err) {
      log.error("join-failed", { room, message: String(err) });
      metrics.joins.unavailable.inc();
      if (!c.closed) fail(ws, "unavailable", "The server could not take this join just now; try again in a moment.");
      return;
    } finally {
      c.joining = false;
    }
    if (outcome.kind === "full") {
      log.info("full", { room });
      metrics.joins.full.inc();
      return send(ws, { type: "full", room, capacity: outcome.capacity });
    }
    if (outcome.kind === "room-limit") {
      metrics.joins["room-limit"].inc();
      return fail(ws, "room-limit", "The server holds as many rooms as it may; try again later.");
    }
    // The socket went away while the join was in flight: give the seat straight back.
    if (c.closed && c.seat !== outcome.seat) await rooms.leave(room, outcome.seat, "closed");
  };

  /** The sender learns that its frame went nowhere, so it can send it again after `peer-resumed`. */
  const unreachable = (ws: Socket, type: string, peer: string) =>
    fail(ws, "peer-unreachable", `Peer "${peer}" is reconnecting; this ${type} was not delivered. Send it again once it is back (peer-resumed).`, peer);

  const relayed = metrics.relayed;
  const relay = (ws: Socket, msg: RelayMessage, raw: string, tally: { inc(): void }): void => {
    const c = ws.data;
    if (c.room === null || c.seat === null) return fail(ws, "not-joined", "Join a room before signaling.");
    // The frame passed a strict schema, so nothing unchecked is in it: it goes out as it
    // came, with our `from` put in front (one of the sender's own was refused). Encoding
    // it again would cost more than the rest of the relay's JavaScript together.
    const stamp = c.stamp !== "" ? c.stamp : (c.stamp = `{"from":${JSON.stringify(c.seat.id)},`);
    const frame = stamp + raw.slice(raw.indexOf("{") + 1);
    const outcome = rooms.relay(c.room, c.seat, msg.to, frame, msg.type);
    tally.inc();
    if (outcome === "sent") return;
    if (outcome === "no-such-peer") return fail(ws, "no-such-peer", `No peer "${msg.to}" in this room.`, msg.to);
    for (const peer of outcome.busy) fail(ws, "peer-busy", busy(peer), peer);
    for (const peer of outcome.away) unreachable(ws, msg.type, peer);
  };

  /** Relays answer at once; joins and leaves go through the rooms and return their promise. */
  const handle = (ws: Socket, msg: ClientMessage, raw: string): void | Promise<void> => {
    const c = ws.data;
    if (msg.type === "ping") return send(ws, { type: "pong" });
    // Fresh TURN credentials, also before joining (the relay self-test asks for them so).
    if (msg.type === "ice-refresh") {
      // Where joins need a token, so do relay credentials: only peers in a room get them.
      if (joinTokens !== null && c.id === null) return fail(ws, "unauthorized", "This server gives relay credentials to peers in a room only: join first.");
      return send(ws, { type: "ice", ice: ice.issue(c.id ?? randomId(PEER_ID_BYTES)) });
    }
    if (c.joining) return fail(ws, "not-joined", "A join is still in progress; wait for its answer.");
    switch (msg.type) {
      case "join": {
        if (c.room !== null) return fail(ws, "already-joined", `Already in room "${c.room}"; leave it first.`);
        const problem = roomRule.problem(msg.room);
        if (problem) {
          metrics.joins["room-name"].inc();
          return fail(ws, "room-name", problem);
        }
        return join(ws, msg.room, msg.resume, msg.token, msg.name);
      }
      case "leave": {
        const room = c.room;
        if (room === null) return fail(ws, "not-joined", "Not in a room.");
        return leaveRoom(c, "left").then(() => send(ws, { type: "left", room }));
      }
      // Each kind counts on its own tally: no property lookup keyed by the parsed `type`
      // (a fresh string) on every relayed message.
      case "description":
        return relay(ws, msg, raw, relayed.description);
      case "candidate":
        return relay(ws, msg, raw, relayed.candidate);
      case "app":
        return relay(ws, msg, raw, relayed.app);
      default: {
        const unhandled: never = msg;
        return unhandled;
      }
    }
  };

  const tooMany = `Too many messages: at most ${config.rateLimit.perSecond} a second (bursts of ${config.rateLimit.burst}). This one was dropped.`;
  const tooMuch = `Too much data on this connection: at most ${config.byteLimit.perSecond} bytes a second (bursts of ${config.byteLimit.burst}; a JSON value or key counts ${VALUE_BYTES} more). This one was dropped.`;
  const tooMuchHere = `Too much data from your address: at most ${config.addressByteLimit.perSecond} bytes a second over all its connections (bursts of ${config.addressByteLimit.burst}; a JSON value or key counts ${VALUE_BYTES} more). This one was dropped.`;

  /** Drops a message over a rate limit; a socket that keeps at it is closed. */
  const throttle = (ws: Socket, why: string, raw: string | Buffer) => {
    const c = ws.data;
    metrics.rateLimited.inc();
    if (!c.takeStrike(performance.now(), strikes(raw))) {
      log.info("flood-closed", { room: c.room ?? undefined, peer: c.id ?? undefined, address: c.address.name });
      // Reconnecting would buy a fresh burst: keep the address out for a while.
      addresses.ban(c.address.name, config.floodBanSeconds);
      c.close(CLOSE.policyViolation, "Message rate limit exceeded");
      return;
    }
    if (!c.throttled) {
      c.throttled = true;
      fail(ws, "rate-limited", why);
    }
  };

  /** The frame just scanned, parsed whole and checked; null once its sender has been told why not. */
  const parseExactly = (ws: Socket, raw: string): ClientMessage | null => {
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      fail(ws, "bad-json", "The frame is not valid JSON.");
      return null;
    }
    const repeated = scan.repeated(raw, value);
    if (repeated !== null) {
      fail(ws, "bad-message", repeated);
      return null;
    }
    // Nothing in the schema reshapes a value it takes: what it checked is the message.
    if (isClientMessage(value)) return value as ClientMessage;
    const parsed = ClientMessage.safeParse(value);
    if (parsed.success) return parsed.data;
    const [code, sentence] = describeInvalid(value, parsed.error.issues);
    fail(ws, code, sentence);
    return null;
  };

  const onMessage = (ws: Socket, raw: string | Buffer) => {
    const c = ws.data;
    const now = performance.now();
    c.lastSeen = now;
    if (!c.takeMessage(now)) return throttle(ws, tooMany, raw);
    if (!c.mayWork(now)) return throttle(ws, tooMuch, raw);
    if (!c.address.mayWork(now)) return throttle(ws, tooMuchHere, raw);
    c.throttled = false;
    if (typeof raw !== "string") {
      c.spend(raw.byteLength);
      return fail(ws, "binary-unsupported", "Binary frames are not part of this protocol; send JSON text frames.");
    }
    const problem = scan.check(raw);
    // What parsing and checking cost grows with the text and with the values in it.
    c.spend(raw.length + VALUE_BYTES * scan.items);
    if (problem !== null) return fail(ws, "bad-message", problem);
    const msg = (scan.spans > 0 ? relayedWithoutLongStrings(raw) : null) ?? parseExactly(ws, raw);
    if (msg === null) return;
    // The relay path stays synchronous: no promise per relayed message.
    handle(ws, msg, raw)?.catch((err) => {
      log.error("internal", { room: c.room ?? undefined, peer: c.id ?? undefined, message: String(err) });
      if (!c.closed) fail(ws, "internal", "The server could not handle this message.");
    });
  };

  /**
   * Heartbeat: every third of the timeout, ping each socket; drop those from which nothing
   * (message or pong) arrived for a whole timeout. A live client answers at least twice.
   * Expired flood bans go at the same time.
   */
  const sweep = () => {
    addresses.sweep();
    const now = performance.now();
    const limit = config.heartbeatSeconds * 1000;
    for (const ws of sockets.snapshot()) {
      if (now - ws.data.lastSeen >= limit) {
        ws.data.timedOut = true;
        ws.terminate();
      } else {
        ws.ping();
      }
    }
  };
  const heartbeat = setInterval(sweep, (config.heartbeatSeconds * 1000) / 3);

  // A relay to a peer on another node that did not reach it is told to its sender a moment later.
  rooms.onMissed((sender, why, peer, type) => {
    const ws = sender.ws;
    if (ws === null || sender.closed) return;
    if (why === "busy") fail(ws, "peer-busy", busy(peer), peer);
    else unreachable(ws, type, peer);
  });

  const logInternal = (err: unknown) => log.error("internal", { message: String(err) });

  return {
    websocket: {
      maxPayloadLength: config.maxMessageBytes,
      // Liveness is ours (see `sweep`): Bun's idle timer only ticks in 4-second steps.
      idleTimeout: 0,
      sendPings: false,
      // Relays stop at the room-mates' shares, so only a socket that stops reading altogether
      // fills the rest with the server's own messages.
      backpressureLimit: limits.queueFromRoom + BACKPRESSURE_HEADROOM,
      closeOnBackpressureLimit: true,
      open(ws) {
        ws.data.ws = ws;
        sockets.add(ws);
      },
      message(ws, raw) {
        try {
          onMessage(ws, raw);
        } catch (err) {
          // e.g. a payload nested too deep to re-encode: this frame fails, the socket lives.
          log.error("internal", { peer: ws.data.id ?? undefined, message: String(err) });
          fail(ws, "internal", "The server could not handle this message.");
        }
      },
      ping(ws, data) {
        // Bun answers with a pong by itself; the ping still takes its place in the rate limit.
        const c = ws.data;
        const now = performance.now();
        c.lastSeen = now;
        if (!c.takeMessage(now)) return throttle(ws, tooMany, data);
        c.throttled = false;
      },
      pong(ws) {
        ws.data.lastSeen = performance.now();
      },
      close(ws, code, reason) {
        const c = ws.data;
        c.closed = true;
        metrics.closed(code);
        sockets.delete(ws);
        // Bun reports 1006 both for a socket that just vanished and for one it failed for
        // a protocol error (1002, 1007, 1009), having sent a close frame; only the latter
        // comes with a reason. A client that broke the protocol is not waited for.
        const vanished = code === CLOSE_ABNORMAL && reason === "" && !c.timedOut;
        // On shutdown the rooms go with the process; peers resume on the next one.
        if (!shuttingDown && c.seat !== null && vanished && config.resumeGraceSeconds > 0) {
          // Dropped without a close frame: maybe a network change. The seat waits a little
          // for a resume, and the others' media keeps flowing meanwhile. Until it is given
          // up or taken over, it keeps its place in the address's count.
          const seat = c.seat;
          const expiry = setTimeout(() => c.endHold(), config.resumeGraceSeconds * 1000);
          c.holdSeat(() => {
            clearTimeout(expiry);
            addresses.release(c.address);
            if (c.seat === seat) leaveRoom(c, "closed").catch(logInternal);
          });
          return;
        }
        addresses.release(c.address);
        if (shuttingDown || c.seat === null) return;
        leaveRoom(c, c.timedOut ? "timeout" : "closed").catch(logInternal);
      },
    },

    admit(address) {
      const verdict = addresses.take(address);
      return typeof verdict === "string" ? verdict : new Connection(verdict, limits);
    },

    abandon(c) {
      addresses.release(c.address);
    },

    closeAll(code, reason) {
      shuttingDown = true;
      clearInterval(heartbeat);
      for (const ws of sockets.snapshot()) ws.data.close(code, reason);
    },

    connectionCount: () => sockets.size,
  };
}

/** One strike per started 4 KiB: receiving a large frame costs the server even when it is dropped. */
function strikes(raw: string | Buffer): number {
  return Math.max(1, Math.ceil((typeof raw === "string" ? raw.length : raw.byteLength) / STRIKE_BYTES));
}

function busy(peer: string): string {
  return `Peer "${peer}" has not yet read enough of what you sent it before; this frame did not reach it. Send it again later.`;
}

/** Turns a schema failure into an error code and one short sentence. */
function describeInvalid(
  value: unknown,
  issues: readonly { path: PropertyKey[]; message: string }[],
): [ErrorCode, string] {
  const type = typeof value === "object" && value !== null && !Array.isArray(value) ? (value as { type?: unknown }).type : undefined;
  if (typeof type !== "string" || !(CLIENT_MESSAGE_TYPES as readonly string[]).includes(type)) {
    const shown = typeof type === "string" ? `"${type.slice(0, 32)}"` : "missing";
    return ["unknown-type", `Message type ${shown} is not one of: ${CLIENT_MESSAGE_TYPES.join(", ")}.`];
  }
  const first = issues[0];
  const where = first && first.path.length > 0 ? first.path.map(String).join(".") : "message";
  const why = (first?.message ?? "invalid").replace(/\.$/, "");
  return ["bad-message", `Invalid "${type}" message: ${where}: ${why}.`];
}
