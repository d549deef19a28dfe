/**
 * Rooms over a registry and a node link: the one place that turns the registry's answers
 * into protocol messages (encoded once per node) and delivers them. A seat here is
 * reached through its connection, synchronously; a seat on another node through the link.
 * Each node tells its own connections; the node that changed a room tells the other nodes
 * that hold seats in it (and no others).
 */
import type { LeaveReason, ServerMessage } from "../../shared/protocol.ts";
import type { Profile } from "../../shared/wire.ts";
import type { Connection } from "../signaling/connection.ts";
import type { Logger } from "../logger.ts";
import type { NodeLink, NodeMessage } from "./node-link.ts";
import { isShared, type RoomRegistry, type RoomState } from "./registry.ts";
import { type ApplyMode, RoomViews, type ViewChange } from "./room-views.ts";
import type { JoinOutcome, Missed, RelayOutcome, Rooms, RoomStore, Seated } from "./rooms.ts";
import { Seat } from "./seat.ts";

export interface RoomHubOptions {
  /** After the store is back, how long nodes get to put their seats back before views are read again. */
  settleMs?: number;
}

type MissedHandler = (sender: Connection, why: "busy" | "away", peer: string, type: string) => void;

const encode = (m: ServerMessage) => JSON.stringify(m);

export function createRoomHub(registry: RoomRegistry, link: NodeLink, log: Logger, { settleMs = 3000 }: RoomHubOptions = {}): Rooms {
  const self = link.node;
  const views = new RoomViews(self);
  /** Joins of this node awaiting the registry, by room; and the newest change that came for such a room meanwhile. */
  const pending = new Map<string, number>();
  const early = new Map<string, Extract<NodeMessage, { kind: "change" }>>();
  let missedHandler: MissedHandler = () => {};

  /** Tells this node's connections in `room` what `change` changed; evicts seats no longer theirs. */
  const tell = (room: string, change: ViewChange, reason: LeaveReason, subject?: Seat) => {
    for (const s of change.replaced) s.evict("replaced");
    for (const s of change.lost) s.evict("lost");
    const here = views.members(room);
    if (!here) return;
    const frames: [string, string][] = [];
    for (const s of change.left) frames.push([s.id, encode({ type: "peer-left", peer: s.id, reason })]);
    for (const s of change.joined) frames.push([s.id, encode(s.profile ? { type: "peer-joined", peer: s.id, profile: s.profile } : { type: "peer-joined", peer: s.id })]);
    // What was sent to the old socket may be lost: the others renegotiate what is pending.
    for (const s of change.resumed) frames.push([s.id, encode({ type: "peer-resumed", peer: s.id })]);
    for (const m of here) {
      if (m.connection === null || m === subject) continue;
      for (const [about, frame] of frames) if (about !== m.id) m.connection.deliver(frame);
    }
  };

  /** Tells the other nodes of `room` (and `also`, which held a seat that went) its new state. */
  const announce = (room: string, state: RoomState, reason: LeaveReason, also?: string, merge = false) => {
    // Most rooms are on this node alone (always so without Redis): nothing to allocate then.
    if ((also === undefined || also === self) && state.seats.every((s) => s.node === self)) return;
    const nodes = new Set(state.seats.map((s) => s.node));
    if (also !== undefined) nodes.add(also);
    nodes.delete(self);
    for (const node of nodes) link.send(node, { kind: "change", room, state, reason, merge });
  };

  const changed = (room: string, state: RoomState, reason: LeaveReason, mode?: ApplyMode) => {
    const change = views.apply(room, state, undefined, mode);
    if (change) tell(room, change, reason);
    return change;
  };

  /** Relays `frame` to seats `to` of another node; false if the link could not take it. */
  const forward = (node: string, room: string, from: string, to: string[], frame: string, type: string) =>
    link.send(node, { kind: "relay", origin: self, room, from, to, type, frame });

  const onMessage = (m: NodeMessage) => {
    switch (m.kind) {
      case "relay": {
        const members = views.members(m.room);
        for (const id of m.to) {
          const target = members?.find((s) => s.id === id && s.connection !== null);
          const d = target ? target.connection!.deliver(m.frame, m.from) : "away";
          if (d !== "sent") link.send(m.origin, { kind: "missed", room: m.room, to: m.from, peer: id, why: d, type: m.type });
        }
        return;
      }
      case "change": {
        if (changed(m.room, m.state, m.reason, { merge: m.merge === true })) return;
        // A join of this node for the room is still being answered: apply it after that.
        if (pending.has(m.room) && m.state.version > (early.get(m.room)?.state.version ?? 0)) early.set(m.room, m);
        return;
      }
      case "missed": {
        const sender = views.members(m.room)?.find((s) => s.id === m.to && s.connection !== null);
        if (sender) missedHandler(sender.connection!, m.why, m.peer, m.type);
        return;
      }
    }
  };

  link.listen({
    message: onMessage,
    undelivered(m) {
      // No node listens on the other end (it went away): its seats are reconnecting, if anything.
      if (m.kind !== "relay") return;
      const sender = views.members(m.room)?.find((s) => s.id === m.from && s.connection !== null);
      if (sender) for (const peer of m.to) missedHandler(sender.connection!, "away", peer, m.type);
    },
  });

  if (isShared(registry)) {
    let resync: ReturnType<typeof setTimeout> | undefined;
    registry.watch({
      freed(room, state, reason) {
        changed(room, state, reason);
        announce(room, state, reason);
      },
      reconnected() {
        const seats = [...views.localSeats()].map(([room, seat]) => ({ room, seat }));
        registry
          .reassert(self, seats)
          .then(({ changed: rooms, lost }) => {
            for (const { room, seat } of lost) views.members(room)?.find((s) => s.id === seat.id && s.epoch === seat.epoch)?.evict("lost");
            // Only what was put back: the other nodes may not have put theirs back yet.
            for (const { room, state } of rooms) {
              changed(room, state, "timeout", { force: true, merge: true });
              announce(room, state, "timeout", undefined, true);
            }
            log.info("seats-reasserted", { seats: seats.length, lost: lost.length });
            // The other nodes put theirs back meanwhile; then every view is read again, so that
            // a seat no node put back (its node went away meanwhile) leaves no ghost.
            clearTimeout(resync);
            resync = setTimeout(async () => {
              for (const room of [...views.rooms()]) {
                try {
                  changed(room, await registry.room(room), "timeout", { force: true });
                } catch (err) {
                  log.error("resync-failed", { room, message: String(err) });
                }
              }
            }, settleMs);
          })
          .catch((err) => log.error("reassert-failed", { message: String(err) }));
      },
    });
  }

  return {
    capacity: registry.capacity,

    async join(room, id, connection, profile, answer): Promise<JoinOutcome> {
      pending.set(room, (pending.get(room) ?? 0) + 1);
      let r;
      try {
        r = await registry.join(room, id, self, profile);
      } finally {
        const n = pending.get(room)! - 1;
        if (n > 0) pending.set(room, n);
        else pending.delete(room);
      }
      // A change that came while this join was answered is applied once the joiner has its
      // answer (signaling sends it when this returns), so that it hears of others after it.
      if (early.has(room)) {
        setImmediate(() => {
          const m = early.get(room);
          if (m && !pending.has(room)) {
            early.delete(room);
            onMessage(m);
          }
        });
      }
      if (r.kind !== "seated") return r;
      const seat = new Seat(id, self, r.seat.epoch, connection, r.seat.profile ?? null);
      const others = r.seats.filter((s) => s.id !== id);
      const peers = others.map((s) => s.id);
      const profiles: Record<string, Profile> = {};
      for (const s of others) if (s.profile) profiles[s.id] = s.profile;
      const outcome: Seated =
        r.replaced !== null
          ? { kind: "joined", seat, peers, profiles, replaced: true }
          : peers.length === 0
            ? { kind: "created", seat }
            : { kind: "joined", seat, peers, profiles, replaced: false };
      const change = views.apply(room, r, seat);
      // Another join answered in the same moment may tell this room of itself next: the
      // joiner has its answer first.
      answer(outcome);
      if (change) tell(room, change, "closed", seat);
      announce(room, r, "closed", r.replaced?.node);
      return outcome;
    },

    async leave(room, seat, reason) {
      // Those here hear of it at once; the registry and the other nodes a moment later.
      if (views.remove(room, seat)) {
        const frame = encode({ type: "peer-left", peer: seat.id, reason });
        for (const m of views.members(room) ?? []) m.connection?.deliver(frame);
      }
      let r;
      try {
        r = await registry.leave(room, seat.id, seat.epoch);
      } catch (err) {
        // The seat is gone here all the same; a shared store frees it when it is back (reassert).
        log.error("leave-failed", { room, peer: seat.id, message: String(err) });
        return;
      }
      if (r === null) return;
      changed(room, r, reason);
      announce(room, r, reason);
    },

    relay(room, sender, to, frame, type): RelayOutcome {
      const members = views.membersOf(sender, room);
      if (!members) return "no-such-peer";
      const from = sender.id;
      // The sender's own seat is passed over by identity (the view holds the very seat the
      // connection was given), before any id is compared: a peer that names itself finds no one.
      if (to !== undefined) {
        for (const m of members) {
          if (m === sender || m.id !== to) continue;
          const d = m.connection !== null ? m.connection.deliver(frame, from) : forward(m.node, room, from, [to], frame, type) ? "sent" : "away";
          return d === "sent" ? "sent" : d === "busy" ? { busy: [to], away: [] } : { busy: [], away: [to] };
        }
        return "no-such-peer";
      }
      let missed: Missed | null = null;
      let remote: Seat[] | null = null;
      for (const m of members) {
        if (m === sender) continue;
        if (m.connection === null) {
          (remote ??= []).push(m);
          continue;
        }
        const d = m.connection.deliver(frame, from);
        if (d !== "sent") (missed ??= { busy: [], away: [] })[d].push(m.id);
      }
      // One message per other node, naming its seats.
      while (remote !== null && remote.length > 0) {
        const node = remote[0]!.node;
        const ids = remote.filter((m) => m.node === node).map((m) => m.id);
        remote = remote.filter((m) => m.node !== node);
        if (!forward(node, room, from, ids, frame, type)) (missed ??= { busy: [], away: [] }).away.push(...ids);
      }
      return missed ?? "sent";
    },

    onMissed(handler) {
      missedHandler = handler;
    },

    occupancy: (room) => registry.occupancy(room),
    roomCount: () => registry.roomCount(),

    store(): RoomStore {
      return isShared(registry) ? { kind: "redis", reachable: registry.reachable() } : { kind: "memory" };
    },

    async close(graceSeconds) {
      if (!isShared(registry)) return;
      try {
        await registry.handBack(self, graceSeconds * 1000);
      } catch (err) {
        // Its lease runs out instead, and the others free its seats then.
        log.error("hand-back-failed", { message: String(err) });
      }
      await registry.stop();
    },
  };
}
