/**
 * Whether each peer's microphone and camera are on, as the peers tell each other over
 * their links' data channels (the server never sees it).
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
