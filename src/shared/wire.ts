/**
 * Plain constants and rules of the signaling protocol that the browser needs at run time.
 * Imports nothing (the zod schemas in protocol.ts stay out of the browser bundle);
 * protocol.ts re-exports all of it.
 */

/** WebSocket close codes the server uses (docs/protocol.md lists them with their causes). */
export const CLOSE = {
  /** Server shutting down: reconnect later. */
  goingAway: 1001,
  /** Kept flooding past the rate limit. */
  policyViolation: 1008,
  /** A frame above the size limit. */
  tooBig: 1009,
  /** The seat was taken over by a resumed connection of the same peer: do not reconnect. */
  replaced: 4001,
} as const;

/** Largest link generation (`link` on descriptions and candidates). */
export const LINK_GENERATION_MAX = 2 ** 31 - 1;

/** In a pair, the peer with the smaller id is the polite one (W3C perfect negotiation). */
export function isPolite(self: string, other: string): boolean {
  return self < other;
}

/** Every `type` the server sends. */
export const SERVER_MESSAGE_TYPES = [
  "created",
  "joined",
  "full",
  "peer-joined",
  "peer-resumed",
  "peer-left",
  "left",
  "description",
  "candidate",
  "app",
  "pong",
  "ice",
  "error",
] as const;

/** Longest display name a peer is known by. */
export const DISPLAY_NAME_MAX = 64;

/** A peer's display name as the others learn it: `verified` when it came from a join token. */
export interface Profile {
  name: string;
  verified: boolean;
}

/** Why a seat ended, in `peer-left`. */
export const LEAVE_REASONS = ["left", "closed", "timeout"] as const;

/** `description.type` values. */
export const DESCRIPTION_TYPES = ["offer", "answer", "pranswer", "rollback"] as const;
