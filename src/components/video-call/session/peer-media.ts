/**
 * What the peers tell each other of their media over their links' data channels (the server
 * never sees it): whether each one's microphone and camera are on, and that a picture that
 * stopped decoding needs a key frame.
 */

/** What one side says of itself: `{ type: "media", microphone, camera }`. */
export interface MediaState {
  /** Sound is being sent (a microphone, on). */
  microphone: boolean;
  /** A picture is being sent (a camera on, or a shared screen). */
  camera: boolean;
}

export function mediaStateMessage(state: MediaState) {
  return { type: "media", microphone: state.microphone, camera: state.camera } as const;
}

/** `msg` as a media state, or null when it is not one. */
export function readMediaState(msg: unknown): MediaState | null {
  if (typeof msg !== "object" || msg === null) return null;
  const m = msg as Record<string, unknown>;
  if (m.type !== "media" || typeof m.microphone !== "boolean" || typeof m.camera !== "boolean") return null;
  return { microphone: m.microphone, camera: m.camera };
}

/** Asks the peer for a key frame: its picture arrives here and none of it can be decoded. */
export const KEY_FRAME_REQUEST = { type: "key-frame" } as const;

export function isKeyFrameRequest(msg: unknown): boolean {
  return typeof msg === "object" && msg !== null && (msg as { type?: unknown }).type === "key-frame";
}
