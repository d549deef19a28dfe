/** Where a `<video-call>` is, as its `state` attribute and `call-state` event say. */
export type CallState =
  | "idle"
  | "starting"
  | "connecting"
  | "waiting"
  | "connecting-peer"
  | "connected"
  | "reconnecting"
  | "failed"
  | "full"
  | "invalid-room"
  | "replaced"
  | "hung-up";

/** The sentence the state line shows for each state. */
export const STATE_TEXT: Record<CallState, string> = {
  idle: "Not in a call.",
  starting: "Starting your camera and microphone…",
  connecting: "Connecting to the server…",
  waiting: "Waiting for someone to join.",
  "connecting-peer": "Someone is here. Connecting the call…",
  connected: "Connected.",
  reconnecting: "Lost the connection to the server. Reconnecting…",
  failed: "The connection failed. Trying again…",
  full: "This room is full. Try again later, or pick another room.",
  "invalid-room": "This is not a valid room name.",
  replaced: "This call went on in another window.",
  "hung-up": "You left the call.",
};

/** States the call stays in until something new is started. */
export const FINAL_STATES: ReadonlySet<CallState> = new Set(["idle", "full", "invalid-room", "replaced", "hung-up"]);
