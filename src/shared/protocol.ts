/**
 * The signaling protocol: every frame on `GET /ws`, in both directions, is one JSON
 * object of these unions, discriminated on `type`. Server and browser components
 * import this module; it imports nothing but zod (the tree-shakable `zod/mini` API,
 * for the browser bundle's sake). docs/protocol.md describes the same messages in prose.
 */
import * as z from "zod/mini";
import { roomNameProblem } from "./room-name.ts";

export { ROOM_NAME_MAX, ROOM_NAME_PATTERN, roomNameProblem } from "./room-name.ts";
export { CLOSE, isPolite, SERVER_MESSAGE_TYPES } from "./wire.ts";

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
  type: z.enum(["offer", "answer", "pranswer", "rollback"]),
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

export const JoinMessage = z.strictObject({
  type: z.literal("join"),
  room: RoomName,
  resume: z.optional(ResumeToken),
});
export const LeaveMessage = z.strictObject({ type: z.literal("leave") });
export const DescriptionMessage = z.strictObject({
  type: z.literal("description"),
  ...target,
  description: SessionDescription,
});
/** `candidate: null` signals end-of-candidates. */
export const CandidateMessage = z.strictObject({
  type: z.literal("candidate"),
  ...target,
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

const Payload = z.unknown().check(
  z.refine((v) => withinDepth(v, PAYLOAD_MAX_DEPTH), `Payload nests deeper than ${PAYLOAD_MAX_DEPTH} levels.`),
);

/** An opaque application payload (any JSON value; bounded by the frame size limit). */
export const AppMessage = z.strictObject({
  type: z.literal("app"),
  ...target,
  payload: Payload,
});
export const PingMessage = z.strictObject({ type: z.literal("ping") });

export const ClientMessage = z.discriminatedUnion("type", [
  JoinMessage,
  LeaveMessage,
  DescriptionMessage,
  CandidateMessage,
  AppMessage,
  PingMessage,
]);
export type ClientMessage = z.infer<typeof ClientMessage>;
export type ClientMessageType = ClientMessage["type"];
export const CLIENT_MESSAGE_TYPES = ["join", "leave", "description", "candidate", "app", "ping"] as const;

// ---- server → client -------------------------------------------------------------

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
};

/** You are the first in the room: wait for someone to join. */
export const CreatedMessage = z.object({ type: z.literal("created"), ...roomInfo });
/** You joined a room that already had `peers` in it. */
export const JoinedMessage = z.object({
  type: z.literal("joined"),
  ...roomInfo,
  peers: z.array(PeerId),
});
export const FullMessage = z.object({
  type: z.literal("full"),
  room: RoomName,
  capacity: z.int().check(z.positive()),
});
export const PeerJoinedMessage = z.object({ type: z.literal("peer-joined"), peer: PeerId });
export const LEAVE_REASONS = ["left", "closed", "timeout"] as const;
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
  description: SessionDescription,
});
export const RelayedCandidate = z.object({
  type: z.literal("candidate"),
  ...from,
  candidate: z.nullable(IceCandidate),
});
export const RelayedApp = z.object({ type: z.literal("app"), ...from, payload: Payload });
export const PongMessage = z.object({ type: z.literal("pong") });

/** Stable, machine-readable error codes; `message` carries a human sentence. */
export const ERROR_CODES = [
  "bad-json",
  "bad-message",
  "unknown-type",
  "binary-unsupported",
  "not-joined",
  "already-joined",
  "no-such-peer",
  "rate-limited",
  "room-limit",
  "room-name",
  "internal",
  "peer-busy",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];
export const ErrorMessage = z.object({
  type: z.literal("error"),
  code: z.enum(ERROR_CODES),
  message: z.string(),
});

export const ServerMessage = z.discriminatedUnion("type", [
  CreatedMessage,
  JoinedMessage,
  FullMessage,
  PeerJoinedMessage,
  PeerLeftMessage,
  LeftMessage,
  RelayedDescription,
  RelayedCandidate,
  RelayedApp,
  PongMessage,
  ErrorMessage,
]);
export type ServerMessage = z.infer<typeof ServerMessage>;
export type ServerMessageOf<T extends ServerMessage["type"]> = Extract<ServerMessage, { type: T }>;
export type LeaveReason = (typeof LEAVE_REASONS)[number];
