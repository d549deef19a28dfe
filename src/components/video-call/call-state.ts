/**
 * Where a `<video-call>` is, as its `state` attribute and `call-state` event say: a pure
 * function of what the element knows, so it can be read and tested on its own.
 */
import type { SignalingStatus } from "../controllers/signaling-controller.ts";

export type CallState =
  | "idle"
  | "lobby"
  | "starting"
  | "connecting"
  | "waiting"
  | "connecting-peer"
  | "connected"
  | "reconnecting"
  | "failed"
  | "full"
  | "invalid-room"
  | "invalid-config"
  | "unauthorized"
  | "replaced"
  | "disconnected"
  | "hung-up";

/** States the call stays in until something new is started (`join()`, a new room). */
export type EndedState = "failed" | "full" | "invalid-room" | "invalid-config" | "unauthorized" | "replaced" | "disconnected" | "hung-up";

export interface CallFacts {
  /** No call was ever started. */
  idle: boolean;
  /** The pre-join screen is shown (`lobby` attribute): no seat taken yet. */
  lobby?: boolean;
  /** How the call ended, if it did; null while it is on. */
  ended: EndedState | null;
  /** Camera and microphone are being started. */
  starting: boolean;
  signaling: SignalingStatus;
  /** The signaling socket has been open at least once in this call. */
  everOpened: boolean;
  /** Several attempts in a row did not get a socket open. */
  unreachable: boolean;
  /** In the room (the server gave this peer its seat). */
  joined: boolean;
  /** Remote peers in the room. */
  peers: number;
  /** The state of each peer connection. */
  links: readonly RTCPeerConnectionState[];
}

export function callState(f: CallFacts): CallState {
  if (f.ended) return f.ended;
  if (f.lobby) return "lobby";
  if (f.idle) return "idle";
  if (f.starting) return "starting";
  if (f.links.includes("connected")) return "connected";
  if (f.unreachable && !f.joined) return "failed";
  if (f.signaling !== "open") return f.everOpened ? "reconnecting" : "connecting";
  if (!f.joined) return "connecting";
  if (f.peers === 0) return "waiting";
  if (f.links.includes("failed")) return "failed";
  return "connecting-peer";
}

/** States whose line is shown as an error. */
export const ERROR_STATES: ReadonlySet<CallState> = new Set(["failed", "full", "invalid-room", "invalid-config", "unauthorized", "disconnected"]);

/** The sentence the state line shows for each state. */
export const STATE_TEXT: Record<CallState, string> = {
  idle: "Not in a call.",
  lobby: "Check your camera and microphone, then join.",
  starting: "Starting your camera and microphone…",
  connecting: "Connecting to the server…",
  waiting: "Waiting for someone to join.",
  "connecting-peer": "Someone is here. Connecting the call…",
  connected: "Connected.",
  reconnecting: "Lost the connection to the server. Reconnecting…",
  failed: "The connection failed. Trying again…",
  full: "This room is full. Try again later, or pick another room.",
  "invalid-room": "This is not a valid room name.",
  "invalid-config": "This call is set up wrongly and cannot start.",
  unauthorized: "This room needs an invitation from the site that shows it.",
  replaced: "This call went on in another window.",
  disconnected: "The server ended this connection.",
  "hung-up": "You left the call.",
};

/** What each reason adds to the state line. */
export const REASON_TEXT: Record<string, string> = {
  "rate-limited": "This page sent messages faster than the server allows.",
  "message-too-big": "This page sent a message larger than the server takes.",
  "server-restart": "The server is restarting.",
  unreachable: "The signaling server cannot be reached (or does not admit this site).",
  "room-limit": "The server holds as many rooms as it may; try again later.",
  unavailable: "The server could not take the join just now; trying again.",
};

/** Why no network path was found, for the line of a failed connection. */
export function noRouteText(relayOnly: boolean, relayConfigured: boolean, relayGathered: boolean): string {
  if (relayGathered) return "No network path to the other person was found, even through the relay (TURN) server.";
  if (relayConfigured) return "No network path to the other person was found: no relay (TURN) candidate could be gathered, so the TURN server is unreachable or refused the credentials.";
  return relayOnly
    ? "No network path was found: relaying only, but no relay (TURN) server is configured."
    : "No network path to the other person was found, and no relay (TURN) server is configured to try.";
}

/** The no-route sentence when this side had ways to be reached and the other person's browser had none. */
export const PEER_NO_ROUTE_TEXT = "No network path to the other person was found: their browser found no way to connect (it may allow only a relay (TURN) server it cannot reach).";

/** A STUN/TURN server error (icecandidateerror) as a sentence. */
export function iceErrorText(url: string, code: number, text: string): string {
  if (code === 401) return `The TURN server ${url} refused the credentials (401).`;
  if (code === 701) return `The server ${url} could not be reached (701).`;
  return `The server ${url} answered ${code}${text ? ` (${text})` : ""}.`;
}
