/**
 * The browser's check of what a signaling server sends. An element may be pointed at any
 * server (`signaling-url`), so it acts only on frames whose fields it uses have the shape
 * the protocol gives them. Zod-free, for the bundle's sake; a test holds it to the
 * protocol's zod schemas (every valid server message passes, malformed ones do not).
 */
import type { ServerMessage } from "./protocol.ts";
import { DESCRIPTION_TYPES, DISPLAY_NAME_MAX, LEAVE_REASONS, LINK_GENERATION_MAX } from "./wire.ts";

type Fields = Record<string, unknown>;

const PEER_ID = /^[A-Za-z0-9_-]{1,32}$/;

const isObject = (v: unknown): v is Fields => typeof v === "object" && v !== null && !Array.isArray(v);
const isId = (v: unknown) => typeof v === "string" && PEER_ID.test(v);
const isText = (v: unknown) => typeof v === "string";
const isCount = (v: unknown) => Number.isInteger(v) && (v as number) > 0;
const optional = (v: unknown, check: (v: unknown) => boolean) => v === undefined || check(v);
const nullable = (v: unknown, check: (v: unknown) => boolean) => v === undefined || v === null || check(v);
const isGeneration = (v: unknown) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= LINK_GENERATION_MAX;
const oneOf = (values: readonly string[]) => (v: unknown) => typeof v === "string" && values.includes(v);

function isIceServer(v: unknown): boolean {
  return isObject(v) && Array.isArray(v.urls) && v.urls.every(isText) && optional(v.username, isText) && optional(v.credential, isText);
}

function isIceConfig(v: unknown): boolean {
  return (
    isObject(v) &&
    Array.isArray(v.iceServers) &&
    v.iceServers.every(isIceServer) &&
    oneOf(["all", "relay"])(v.iceTransportPolicy) &&
    optional(v.expires, Number.isInteger)
  );
}

function isProfile(v: unknown): boolean {
  return isObject(v) && typeof v.name === "string" && v.name.length > 0 && v.name.length <= DISPLAY_NAME_MAX && typeof v.verified === "boolean";
}

function isProfiles(v: unknown): boolean {
  return isObject(v) && Object.entries(v).every(([id, p]) => isId(id) && isProfile(p));
}

function isRoomInfo(m: Fields): boolean {
  return isText(m.room) && isId(m.id) && isCount(m.capacity) && isText(m.resume) && typeof m.resumed === "boolean" && isIceConfig(m.ice) && optional(m.profile, isProfile);
}

function isRelay(m: Fields): boolean {
  return isId(m.from) && optional(m.to, isId);
}

function isDescription(v: unknown): boolean {
  return isObject(v) && oneOf(DESCRIPTION_TYPES)(v.type) && optional(v.sdp, isText);
}

function isCandidate(v: unknown): boolean {
  if (v === null) return true;
  return (
    isObject(v) &&
    isText(v.candidate) &&
    nullable(v.sdpMid, isText) &&
    nullable(v.sdpMLineIndex, (i) => Number.isInteger(i) && (i as number) >= 0) &&
    nullable(v.usernameFragment, isText)
  );
}

/** `value` as a server message when the fields of its type hold what they should; else null. */
export function checkServerMessage(value: unknown): ServerMessage | null {
  if (!isObject(value)) return null;
  const m = value;
  let ok: boolean;
  switch (m.type) {
    case "created":
      ok = isRoomInfo(m);
      break;
    case "joined":
      ok = isRoomInfo(m) && Array.isArray(m.peers) && m.peers.every(isId) && optional(m.profiles, isProfiles);
      break;
    case "full":
      ok = isText(m.room) && isCount(m.capacity);
      break;
    case "peer-joined":
      ok = isId(m.peer) && optional(m.profile, isProfile);
      break;
    case "peer-resumed":
      ok = isId(m.peer);
      break;
    case "peer-left":
      ok = isId(m.peer) && oneOf(LEAVE_REASONS)(m.reason);
      break;
    case "left":
      ok = isText(m.room);
      break;
    case "description":
      ok = isRelay(m) && optional(m.link, isGeneration) && isDescription(m.description);
      break;
    case "candidate":
      ok = isRelay(m) && optional(m.link, isGeneration) && "candidate" in m && isCandidate(m.candidate);
      break;
    case "app":
      ok = isRelay(m) && "payload" in m;
      break;
    case "pong":
      ok = true;
      break;
    case "ice":
      ok = isIceConfig(m.ice);
      break;
    case "error":
      ok = isText(m.code) && isText(m.message) && optional(m.peer, isId);
      break;
    default:
      ok = false;
  }
  return ok ? (m as unknown as ServerMessage) : null;
}

/** A frame's text as a server message, or null when it is not JSON or not well-formed. */
export function readServerFrame(text: string): ServerMessage | null {
  try {
    return checkServerMessage(JSON.parse(text));
  } catch {
    return null;
  }
}
