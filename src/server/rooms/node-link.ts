/**
 * Node-local delivery's way out: messages from this server process (node) to another
 * that holds a seat of a room it serves. One process alone (no REDIS_URL) never sends any.
 */
import type { LeaveReason } from "../../shared/protocol.ts";
import type { RoomState } from "./registry.ts";

export type NodeMessage =
  /** A relayed frame, `from` stamped already, for seats `to` on the receiving node. */
  | { kind: "relay"; origin: string; room: string; from: string; to: string[]; type: string; frame: string }
  /**
   * A room's seats changed: its state after the change; seats that went, went for `reason`.
   * `merge`: seats put back after the store was away; what it lacks may not be back yet.
   */
  | { kind: "change"; room: string; state: RoomState; reason: LeaveReason; merge?: boolean }
  /** A relay from seat `to` (on the receiving node) did not reach `peer`. */
  | { kind: "missed"; room: string; to: string; peer: string; why: "busy" | "away"; type: string };

export interface NodeLink {
  /** This node's id. */
  readonly node: string;
  /**
   * Hands `message` on towards `node`, in order with this node's other messages to it.
   * False when it cannot go now (the link is down): nothing was sent.
   */
  send(node: string, message: NodeMessage): boolean;
  /** Takes the messages for this node; `undelivered` gets those that reached no node. */
  listen(handlers: { message(m: NodeMessage): void; undelivered(m: NodeMessage): void }): void;
}

/** The link of a node that is the only one. */
export function loneNode(node = "local"): NodeLink {
  return { node, send: () => false, listen() {} };
}
