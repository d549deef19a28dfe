/** The events `<video-call>` fires, each with its detail type (all bubble and are composed). */
import type { CallState } from "./call-state.ts";

/** Why the call is in its state, where the state alone does not say. */
export type CallStateReason =
  /** The server closed the connection: this page sent messages faster than it allows (1008). */
  | "rate-limited"
  /** The server closed the connection: a message was larger than it takes (1009). */
  | "message-too-big"
  /** The same peer went on from another connection (4001). */
  | "replaced"
  /** The server is restarting (1001); the element reconnects and resumes. */
  | "server-restart"
  /** The signaling server cannot be reached (or refuses this site). */
  | "unreachable"
  /** The server holds as many rooms as it may. */
  | "room-limit"
  /** The server could not take the join just now; the element tries again. */
  | "unavailable"
  /** The `ice-servers` value cannot be used. */
  | "ice-servers"
  /** No network path to the other peer could be found (the line says whether a relay candidate was gathered). */
  | "no-route";

export interface CallStateDetail {
  state: CallState;
  reason?: CallStateReason;
  /** The WebSocket close code, when a close caused the state. */
  code?: number;
}
export interface PeerDetail {
  peer: string;
}
export interface PeerLeftDetail {
  peer: string;
  /** `left`, `closed`, `timeout` as the server said; `gone` when it was no longer in the room after a reconnect. */
  reason: "left" | "closed" | "timeout" | "gone";
}
export interface PeerMediaDetail {
  peer: string;
  /** The peer's microphone is on. */
  microphone: boolean;
  /** The peer's camera (or a shared screen) is on. */
  camera: boolean;
}
export interface JoinedDetail {
  id: string;
  peers: string[];
  resumed: boolean;
}
export interface RecoveryDetail {
  peer: string;
  /** `ice-restart`: new ICE candidates over the same connection; `rebuild`: a new connection. */
  action: "ice-restart" | "rebuild";
}
export interface ScreenShareDetail {
  sharing: boolean;
}
export interface RoomFullDetail {
  room: string;
  capacity: number;
}
export interface IceErrorDetail {
  peer: string;
  /** The STUN or TURN server's URL. */
  url: string;
  /** e.g. 401 (credentials refused), 701 (server unreachable). */
  code: number;
  /** A sentence a person can act on. */
  message: string;
}
export interface ConfigErrorDetail {
  /** The attribute (or property) whose value cannot be used. */
  attribute: "ice-servers";
  /** The value as given. */
  value: string;
  message: string;
}

declare global {
  interface GlobalEventHandlersEventMap {
    "call-state": CustomEvent<CallStateDetail>;
    joined: CustomEvent<JoinedDetail>;
    "peer-joined": CustomEvent<PeerDetail>;
    "peer-left": CustomEvent<PeerLeftDetail>;
    "room-full": CustomEvent<RoomFullDetail>;
    "autoplay-blocked": CustomEvent<PeerDetail>;
    "connection-recovery": CustomEvent<RecoveryDetail>;
    "screen-share": CustomEvent<ScreenShareDetail>;
    "config-error": CustomEvent<ConfigErrorDetail>;
    "ice-error": CustomEvent<IceErrorDetail>;
    "peer-media": CustomEvent<PeerMediaDetail>;
  }
}

/** A chat message, sent by this side (`self`) or received from a peer. */
export interface ChatMessageDetail {
  /** The sender's peer id (this side's own id when `self`). */
  from: string;
  /** The sender as shown on its tile: its name, or "Guest N"; "You" when `self`. */
  name: string;
  text: string;
  /** When it was sent (`self`) or arrived here, in ms since the epoch, by this browser's clock. */
  at: number;
  self: boolean;
}

declare global {
  interface GlobalEventHandlersEventMap {
    "chat-message": CustomEvent<ChatMessageDetail>;
  }
}

import type { Quality } from "./quality/quality.ts";
/** How good a connection is: `good`, `fair`, `poor` or `lost` (the thresholds are in quality/quality.ts). */
export type { Quality };
export interface ConnectionQualityDetail {
  /** The peer whose connection this is; this side's own id for what it sends. */
  peer: string;
  quality: Quality;
  /** Round-trip time in milliseconds, or null before one was measured. */
  rtt: number | null;
  /** Packets lost, as a fraction (0–1) of those sent over the last few seconds. */
  packetLoss: number;
}
export interface ActiveSpeakerDetail {
  /** The peer heard now (the one speaking, or the loudest), or null when nobody speaks. */
  peer: string | null;
}
declare global {
  interface GlobalEventHandlersEventMap {
    "connection-quality": CustomEvent<ConnectionQualityDetail>;
    "active-speaker": CustomEvent<ActiveSpeakerDetail>;
  }
}

/** Detail of `device-change`: the device of one kind in use changed. */
export interface DeviceChangeDetail {
  kind: "camera" | "microphone" | "speaker";
  /** The device in use now; null when none of that kind is left (the call goes on without it). */
  deviceId: string | null;
  /**
   * `selected`: chosen with setCamera/setMicrophone/setSpeaker or a picker. `unplugged`: the
   * device in use went away, and `deviceId` took its place (or null). `unavailable`: the
   * remembered device was not there when capturing, and `deviceId` was used instead.
   */
  reason: "selected" | "unplugged" | "unavailable";
}

declare global {
  interface GlobalEventHandlersEventMap {
    "device-change": CustomEvent<DeviceChangeDetail>;
  }
}
