/**
 * The signaling protocol: every frame on `GET /ws`, in both directions, is one JSON
 * object of these unions, discriminated on `type`. Server and browser components
 * import this module; it imports nothing but zod (the tree-shakable `zod/mini` API,
 * for the browser bundle's sake). docs/protocol.md describes the same messages in prose.
 */
import * as z from "zod/mini";
import { roomNameProblem } from "./room-name.ts";
import { DESCRIPTION_TYPES, DISPLAY_NAME_MAX, LEAVE_REASONS, LINK_GENERATION_MAX } from "./wire.ts";

export { ROOM_NAME_MAX, ROOM_NAME_PATTERN, roomNameProblem } from "./room-name.ts";
export { CLOSE, DESCRIPTION_TYPES, DISPLAY_NAME_MAX, isPolite, LEAVE_REASONS, LINK_GENERATION_MAX, SERVER_MESSAGE_TYPES } from "./wire.ts";
export type { Profile } from "./wire.ts";

/** Room names, by the rule in room-name.ts (the browser checks the same rule without zod). */
export const RoomName = z.string().check(
  z.refine((name) => roomNameProblem(name) === null, { error: (issue) => roomNameProblem(issue.input) ?? "Invalid room name." }),
);

/** Peer ids are assigned by the server. */
export const PeerId = z.string().check(z.minLength(1), z.maxLength(32), z.regex(/^[A-Za-z0-9_-]+$/));

/** Upper bounds that hold whatever the server's frame limit is. */
export const SDP_MAX = 64 * 1024;
export const CANDIDATE_MAX = 2048;

/*
 * Client messages, and the objects inside them, are strict: a field not listed here is
 * refused, not dropped. That is what lets the server relay a checked frame as it came
 * (with `from` put in front) instead of encoding it again: nothing unchecked rides along.
 */

export const SessionDescription = z.strictObject({
  type: z.enum(DESCRIPTION_TYPES),
  sdp: z.optional(z.string().check(z.maxLength(SDP_MAX))),
});

/** What RTCIceCandidate.toJSON() gives. */
export const IceCandidate = z.strictObject({
  candidate: z.string().check(z.maxLength(CANDIDATE_MAX)),
  sdpMid: z.optional(z.nullable(z.string().check(z.maxLength(64)))),
  sdpMLineIndex: z.optional(z.nullable(z.int().check(z.nonnegative(), z.lte(1024)))),
  usernameFragment: z.optional(z.nullable(z.string().check(z.maxLength(256)))),
});

/** A resume token, issued at join, lets a reconnecting peer take back its own seat. */
export const ResumeToken = z.string().check(z.minLength(16), z.maxLength(200), z.regex(/^[A-Za-z0-9_.-]+$/));

// ---- client → server -------------------------------------------------------------

/** Relayed messages go to one peer of the sender's room (`to`), or to all others. */
const target = { to: z.optional(PeerId) };

/**
 * Which generation of the sender's connection to the receiver a description or candidate
 * belongs to. A side that rebuilds its connection from scratch sends the next generation;
 * the receiver rebuilds too, and ignores anything of an older generation. Absent means 0.
 */
export const LinkGeneration = z.int().check(z.nonnegative(), z.lte(LINK_GENERATION_MAX));
const link = { link: z.optional(LinkGeneration) };

/** A display name: 1–64 characters, none of them control or format characters. */
export const DisplayName = z.string().check(z.minLength(1), z.maxLength(DISPLAY_NAME_MAX), z.regex(/^[^\p{Cc}\p{Cf}\p{Zl}\p{Zp}]+$/u));
/** How a peer is known to the others: a name, and whether it came from a join token. */
export const PeerProfile = z.object({ name: DisplayName, verified: z.boolean() });

/** A join token (a JWT from the embedding site's backend), where the server asks for one. */
export const JoinToken = z.string().check(z.minLength(1), z.maxLength(4096));

export const JoinMessage = z.strictObject({
  type: z.literal("join"),
  room: RoomName,
  resume: z.optional(ResumeToken),
  token: z.optional(JoinToken),
  /** A name to be known by, where the server takes no join tokens (then it is shown as unverified). */
  name: z.optional(DisplayName),
});
export const LeaveMessage = z.strictObject({ type: z.literal("leave") });
export const DescriptionMessage = z.strictObject({
  type: z.literal("description"),
  ...target,
  ...link,
  description: SessionDescription,
});
/** `candidate: null` signals end-of-candidates. */
export const CandidateMessage = z.strictObject({
  type: z.literal("candidate"),
  ...target,
  ...link,
  candidate: z.nullable(IceCandidate),
});
/** App payloads may nest this deep; deeper ones are refused, not relayed to browsers. */
export const PAYLOAD_MAX_DEPTH = 32;

/** True when `value` nests no deeper than `max` levels of arrays and objects. */
export function withinDepth(value: unknown, max: number): boolean {
  if (typeof value !== "object" || value === null) return true;
  if (max <= 0) return false;
  // Arrays by index: Object.values copies them first, which costs more than the walk.
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!withinDepth(value[i], max - 1)) return false;
    return true;
  }
  for (const v of Object.values(value)) if (!withinDepth(v, max - 1)) return false;
  return true;
}

/** The payload's one rule. It reads the value's shape alone, never its strings (the relay relies on that). */
export const payloadWithinDepth = (v: unknown): boolean => withinDepth(v, PAYLOAD_MAX_DEPTH);

const Payload = z.unknown().check(z.refine(payloadWithinDepth, `Payload nests deeper than ${PAYLOAD_MAX_DEPTH} levels.`));

/** An opaque application payload (any JSON value; bounded by the frame size limit). */
export const AppMessage = z.strictObject({
  type: z.literal("app"),
  ...target,
  payload: Payload,
});
export const PingMessage = z.strictObject({ type: z.literal("ping") });
/** Asks for fresh ICE servers (TURN credentials expire); answered with `ice`. */
export const IceRefreshMessage = z.strictObject({ type: z.literal("ice-refresh") });

export const ClientMessage = z.discriminatedUnion("type", [
  JoinMessage,
  IceRefreshMessage,
  LeaveMessage,
  DescriptionMessage,
  CandidateMessage,
  AppMessage,
  PingMessage,
]);
export type ClientMessage = z.infer<typeof ClientMessage>;
export type ClientMessageType = ClientMessage["type"];
export const CLIENT_MESSAGE_TYPES = ["join", "leave", "description", "candidate", "app", "ping", "ice-refresh"] as const;

// ---- server → client -------------------------------------------------------------

/** One STUN or TURN server, as RTCIceServer takes it. */
export const IceServer = z.object({
  urls: z.array(z.string()),
  username: z.optional(z.string()),
  credential: z.optional(z.string()),
});
/**
 * The ICE servers and transport policy this server gives its peers. `expires` (unix
 * seconds) is when the TURN credentials stop working for new allocations: ask again
 * (`ice-refresh`) before then.
 */
export const IceConfig = z.object({
  iceServers: z.array(IceServer),
  iceTransportPolicy: z.enum(["all", "relay"]),
  expires: z.optional(z.int()),
});
export type IceConfig = z.infer<typeof IceConfig>;

/** Relayed messages name their sender; `to` is the target the sender gave, if it gave one. */
const from = { from: PeerId, to: z.optional(PeerId) };
const roomInfo = {
  room: RoomName,
  /** The id the server gave this connection in this room. */
  id: PeerId,
  capacity: z.int().check(z.positive()),
  /** Present it in a later `join` to take back this seat and id after a drop. */
  resume: ResumeToken,
  /** True when a resume token gave this peer its old id back (and its seat, if still held). */
  resumed: z.boolean(),
  /** The ICE servers (fresh TURN credentials) and policy to use for this room's calls. */
  ice: IceConfig,
  /** How the others know this peer, when it has a name. */
  profile: z.optional(PeerProfile),
};

/** You are the first in the room: wait for someone to join. */
export const CreatedMessage = z.object({ type: z.literal("created"), ...roomInfo });
/** You joined a room that already had `peers` in it. */
export const JoinedMessage = z.object({
  type: z.literal("joined"),
  ...roomInfo,
  peers: z.array(PeerId),
  /** How the peers with a name are known, by id. */
  profiles: z.optional(z.record(PeerId, PeerProfile)),
});
export const FullMessage = z.object({
  type: z.literal("full"),
  room: RoomName,
  capacity: z.int().check(z.positive()),
});
export const PeerJoinedMessage = z.object({ type: z.literal("peer-joined"), peer: PeerId, profile: z.optional(PeerProfile) });
/**
 * A peer took its seat back with a resume token (after a drop, or from a new socket):
 * same id, but whatever was sent to it meanwhile may be lost. Renegotiate what is pending.
 */
export const PeerResumedMessage = z.object({ type: z.literal("peer-resumed"), peer: PeerId });
export const PeerLeftMessage = z.object({
  type: z.literal("peer-left"),
  peer: PeerId,
  reason: z.enum(LEAVE_REASONS),
});
/** Answer to `leave`: the socket is in no room now and may join another. */
export const LeftMessage = z.object({ type: z.literal("left"), room: RoomName });
export const RelayedDescription = z.object({
  type: z.literal("description"),
  ...from,
  ...link,
  description: SessionDescription,
});
export const RelayedCandidate = z.object({
  type: z.literal("candidate"),
  ...from,
  ...link,
  candidate: z.nullable(IceCandidate),
});
export const RelayedApp = z.object({ type: z.literal("app"), ...from, payload: Payload });
export const PongMessage = z.object({ type: z.literal("pong") });
/** Answer to `ice-refresh`. */
export const IceMessage = z.object({ type: z.literal("ice"), ice: IceConfig });

/** Stable, machine-readable error codes; `message` carries a human sentence. */
export const ERROR_CODES = [
  "bad-json",
  "bad-message",
  "unknown-type",
  "binary-unsupported",
  "not-joined",
  "already-joined",
  "no-such-peer",
  "peer-unreachable",
  "rate-limited",
  "room-limit",
  "room-name",
  "unauthorized",
  "unavailable",
  "internal",
  "peer-busy",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];
export const ErrorMessage = z.object({
  type: z.literal("error"),
  code: z.enum(ERROR_CODES),
  message: z.string(),
  /** The peer a relay could not reach (`no-such-peer`, `peer-unreachable`). */
  peer: z.optional(PeerId),
});

export const ServerMessage = z.discriminatedUnion("type", [
  CreatedMessage,
  JoinedMessage,
  FullMessage,
  PeerJoinedMessage,
  PeerResumedMessage,
  PeerLeftMessage,
  LeftMessage,
  RelayedDescription,
  RelayedCandidate,
  RelayedApp,
  PongMessage,
  IceMessage,
  ErrorMessage,
]);
export type ServerMessage = z.infer<typeof ServerMessage>;
export type ServerMessageOf<T extends ServerMessage["type"]> = Extract<ServerMessage, { type: T }>;
export type LeaveReason = (typeof LEAVE_REASONS)[number];
