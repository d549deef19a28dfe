/**
 * What one node knows of the rooms its connections sit in: each room's seats, in join
 * order, at a version of the registry's. Relays read it synchronously; it changes when
 * this node's joins and leaves are answered and when another node says a room changed.
 * A room state is applied whole, and only when newer than the view's, so a change that
 * arrives late or twice changes nothing.
 */
import type { RoomState } from "./registry.ts";
import { Seat } from "./seat.ts";

/** What a newer state changed, seen from this node. */
export interface ViewChange {
  /** New ids in the room. */
  joined: Seat[];
  /** Ids that hold their seat under a new epoch now (taken over by a resume). */
  resumed: Seat[];
  /** Ids no longer in the room. */
  left: Seat[];
  /** Seats of this node's connections that are no longer theirs: taken over, or gone. */
  replaced: Seat[];
  lost: Seat[];
}

export interface ApplyMode {
  /** Apply even if not newer: a state read back after the store was away, whose versions may have started over. */
  force?: boolean;
  /** Add what is new, drop nothing: a node putting its seats back after the store was away. */
  merge?: boolean;
}

/** One room's view. Once dropped from the map it is `gone`: a seat may still point at it. */
export interface View {
  version: number;
  members: Seat[];
  gone: boolean;
}

export class RoomViews {
  private readonly views = new Map<string, View>();

  constructor(readonly node: string) {}

  /** The seats of `room`, if this node has a connection in it. */
  members(room: string): Seat[] | undefined {
    return this.views.get(room)?.members;
  }

  /**
   * The same for the room of `seat`, one of this node's: through the view the seat was
   * placed in while that view lasts (a live view is the one the map holds for its room),
   * which spares the relay a lookup by room name.
   */
  membersOf(seat: Seat, room: string): Seat[] | undefined {
    const view = seat.view;
    return view !== null && !view.gone ? view.members : this.views.get(room)?.members;
  }

  has(room: string): boolean {
    return this.views.has(room);
  }

  rooms(): IterableIterator<string> {
    return this.views.keys();
  }

  /** Every seat of this node's connections, with its room. */
  *localSeats(): Generator<[string, Seat]> {
    for (const [room, view] of this.views) for (const m of view.members) if (m.connection !== null) yield [room, m];
  }

  /**
   * Applies `state` if it is newer than the view. `fresh` is a seat this node was just
   * given in it: a view is made for it if there is none. Null when nothing was applied.
   */
  apply(room: string, state: RoomState, fresh?: Seat, { force = false, merge = false }: ApplyMode = {}): ViewChange | null {
    let view = this.views.get(room);
    if (!view) {
      if (!fresh) return null;
      view = { version: 0, members: [], gone: false };
      this.views.set(room, view);
    }
    if (fresh) fresh.view = view;
    if (state.version <= view.version && !force) {
      if (fresh) this.adopt(view, fresh);
      return null;
    }
    const old = view.members;
    const given = state.seats.map((s) => {
      for (const m of old) if (m.id === s.id && m.epoch === s.epoch) return m;
      if (fresh && fresh.id === s.id && fresh.epoch === s.epoch) return fresh;
      // A seat of this node that no connection here knows (a stale record) has none: relays to it miss.
      return new Seat(s.id, s.node, s.epoch, null, s.profile ?? null);
    });
    // `merge`: seats missing from the state may only not have been put back yet; they stay.
    const next = merge ? [...given, ...old.filter((o) => !given.some((m) => m.id === o.id))] : given;
    const change: ViewChange = { joined: [], resumed: [], left: [], replaced: [], lost: [] };
    for (const m of next) {
      const was = old.find((o) => o.id === m.id);
      if (!was) change.joined.push(m);
      else if (was !== m) {
        change.resumed.push(m);
        if (was.connection !== null) change.replaced.push(was);
      }
    }
    for (const o of old) {
      if (next.some((m) => m.id === o.id)) continue;
      change.left.push(o);
      if (o.connection !== null) change.lost.push(o);
    }
    view.members = next;
    view.version = state.version;
    if (!next.some((m) => m.connection !== null)) this.drop(room, view);
    return change;
  }

  private drop(room: string, view: View): void {
    view.gone = true;
    this.views.delete(room);
  }

  /** A newer state that already held `fresh` was applied first: its stand-in becomes it. */
  private adopt(view: View, fresh: Seat): void {
    const at = view.members.findIndex((m) => m.id === fresh.id && m.epoch === fresh.epoch);
    if (at < 0 || view.members[at]!.connection !== null) return;
    // A new array: a relay may be going through the old one.
    view.members = view.members.map((m, i) => (i === at ? fresh : m));
  }

  /** Takes `seat` out of its room's view at once (its connection is leaving); false if it was not there. */
  remove(room: string, seat: Seat): boolean {
    const view = this.views.get(room);
    const at = view ? view.members.indexOf(seat) : -1;
    if (!view || at < 0) return false;
    view.members = view.members.filter((m) => m !== seat);
    if (!view.members.some((m) => m.connection !== null)) this.drop(room, view);
    return true;
  }
}
