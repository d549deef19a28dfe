/**
 * A seat as one node sees it: the registry's record, and the connection that holds it when
 * that connection is here (null for a seat on another node). One per join, so that a seat
 * taken over by a resumed connection is told apart from the one it replaced.
 */
import { CLOSE } from "../../shared/wire.ts";
import type { Connection } from "../signaling/connection.ts";
import type { Profile } from "../../shared/wire.ts";
import type { SeatRecord } from "./registry.ts";
import type { View } from "./room-views.ts";

/** The registry gave this seat up under a connection that is still here: it reconnects and resumes. */
export const CLOSE_SEAT_LOST = 1012;

export class Seat implements SeatRecord {
  /** The view of its room this node placed the seat in, for one of this node's own seats. */
  view: View | null = null;

  constructor(
    readonly id: string,
    readonly node: string,
    readonly epoch: number,
    readonly connection: Connection | null,
    readonly profile: Profile | null,
  ) {}

  /** This seat's connection is no longer seated here: `replaced` by a resumed one (4001), or `lost`. */
  evict(why: "replaced" | "lost"): void {
    const c = this.connection;
    if (c === null || c.seat !== this) return;
    c.room = null;
    c.id = null;
    c.seat = null;
    if (!c.closed) {
      if (why === "replaced") c.close(CLOSE.replaced, "Replaced by a resumed connection");
      else c.close(CLOSE_SEAT_LOST, "Seat lost; reconnect to take it back");
    }
    // A seat held for a dropped socket: the hold ends now, not when its grace runs out.
    else c.endHold();
  }
}
