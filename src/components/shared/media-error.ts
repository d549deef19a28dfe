/** Why the camera or microphone could not be had, from getUserMedia's DOMException name. */
export type MediaErrorReason =
  | "permission-denied"
  | "no-device"
  | "device-in-use"
  | "constraints"
  | "insecure-context"
  | "unknown";

/** Detail of the `media-error` event of both call elements. */
export interface MediaFailure {
  reason: MediaErrorReason;
  /** A sentence a person can act on. */
  message: string;
}

export function mediaErrorReason(err: unknown): MediaErrorReason {
  const name = err instanceof DOMException || err instanceof Error ? err.name : "";
  switch (name) {
    case "NotAllowedError":
    case "SecurityError":
      return "permission-denied";
    case "NotFoundError":
      return "no-device";
    case "NotReadableError":
    case "AbortError":
      return "device-in-use";
    case "OverconstrainedError":
      return "constraints";
    case "InsecureContextError":
      return "insecure-context";
    default:
      return "unknown";
  }
}

/** A sentence a person can act on. */
export const MEDIA_ERROR_TEXT: Record<MediaErrorReason, string> = {
  "permission-denied": "Camera and microphone access was denied. Allow it in the browser's site settings, then try again.",
  "no-device": "No camera or microphone was found.",
  "device-in-use": "The camera or microphone is in use by another program, or could not be started.",
  constraints: "The camera or microphone cannot provide what was asked for.",
  "insecure-context": "Camera and microphone need a secure page (HTTPS or localhost).",
  unknown: "The camera or microphone could not be started.",
};

/** getUserMedia, with a clear error where the API is missing (pages not served securely). */
export function getUserMedia(constraints: MediaStreamConstraints): Promise<MediaStream> {
  if (!navigator.mediaDevices?.getUserMedia) {
    return Promise.reject(new DOMException("navigator.mediaDevices is unavailable", "InsecureContextError"));
  }
  return navigator.mediaDevices.getUserMedia(constraints);
}

declare global {
  interface GlobalEventHandlersEventMap {
    "media-error": CustomEvent<MediaFailure>;
  }
}
