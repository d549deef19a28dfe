/**
 * Nodes reach each other through Redis publish/subscribe: one channel per node
 * (`roomcall:node:<id>`), to which only that node subscribes, so a message goes to the one
 * node that needs it. A node publishes on one connection, so Redis hands its messages to
 * each other node in the order they were sent. Messages are not kept: one published while
 * its receiver is away is lost (the relay's sender is told when no node received it).
 */
import type Redis from "ioredis";
import type { LeaveReason } from "../../../shared/protocol.ts";
import type { NodeLink, NodeMessage } from "../node-link.ts";
import type { RoomState } from "../registry.ts";
import { KEY_PREFIX } from "./redis-registry.ts";

export const nodeChannel = (node: string) => `${KEY_PREFIX}node:${node}`;

/**
 * A relay is a header line and the frame as it is (encoding the frame again would cost
 * more than the rest): "R<origin> <room> <from> <to,to…> <type>\n<frame>". The rest is
 * rare and small: "C" + JSON of a room change, "M<room> <to> <peer> <why> <type>".
 */
export function encodeNodeMessage(m: NodeMessage): string {
  switch (m.kind) {
    case "relay":
      return `R${m.origin} ${m.room} ${m.from} ${m.to.join(",")} ${m.type}\n${m.frame}`;
    case "missed":
      return `M${m.room} ${m.to} ${m.peer} ${m.why} ${m.type}`;
    case "change":
      return `C${JSON.stringify({ room: m.room, reason: m.reason, merge: m.merge === true, version: m.state.version, seats: m.state.seats.map((s) => (s.profile ? [s.id, s.node, s.epoch, s.profile.name, s.profile.verified] : [s.id, s.node, s.epoch])) })}`;
  }
}

export function decodeNodeMessage(text: string): NodeMessage | null {
  const kind = text[0];
  if (kind === "R") {
    const nl = text.indexOf("\n");
    const [origin, room, from, to, type] = text.slice(1, nl).split(" ") as [string, string, string, string, string];
    return { kind: "relay", origin, room, from, to: to.split(","), type, frame: text.slice(nl + 1) };
  }
  if (kind === "M") {
    const [room, to, peer, why, type] = text.slice(1).split(" ") as [string, string, string, string, string];
    return { kind: "missed", room, to, peer, why: why === "busy" ? "busy" : "away", type };
  }
  if (kind === "C") {
    const c = JSON.parse(text.slice(1)) as { room: string; reason: LeaveReason; merge: boolean; version: number; seats: [string, string, number, string?, boolean?][] };
    const state: RoomState = {
      version: c.version,
      seats: c.seats.map(([id, node, epoch, name, verified]) => ({ id, node, epoch, profile: typeof name === "string" ? { name, verified: verified === true } : null })),
    };
    return { kind: "change", room: c.room, reason: c.reason, merge: c.merge, state };
  }
  return null;
}

/** `publisher` is the registry's connection; `subscriber` one of its own (a subscribed connection runs nothing else). */
export async function createRedisLink(publisher: Redis, subscriber: Redis, node: string, onError: (err: unknown) => void): Promise<NodeLink> {
  let handlers: Parameters<NodeLink["listen"]>[0] | null = null;
  subscriber.on("message", (_channel: string, text: string) => {
    let m: NodeMessage | null = null;
    try {
      m = decodeNodeMessage(text);
    } catch (err) {
      onError(err);
    }
    if (m) handlers?.message(m);
  });
  // ioredis subscribes again by itself after a reconnect.
  await subscriber.subscribe(nodeChannel(node));
  return {
    node,
    send(to, m) {
      if (publisher.status !== "ready") return false;
      publisher.publish(nodeChannel(to), encodeNodeMessage(m)).then(
        (receivers) => receivers === 0 && handlers?.undelivered(m),
        () => handlers?.undelivered(m),
      );
      return true;
    },
    listen(h) {
      handlers = h;
    },
  };
}
