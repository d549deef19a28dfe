/**
 * A connection's place in one room, as the rooms see it: an id and a way to hand the
 * connection an encoded frame. One per join, so that a seat taken over by a resumed
 * connection is told apart from the one it replaced.
 */
import { CLOSE } from "../shared/wire.ts";
import type { Connection } from "./connection.ts";
import type { Delivery } from "./rooms.ts";

export class Seat {
  constructor(
    readonly id: string,
    private readonly connection: Connection,
  ) {}

  deliver(frame: string, from?: string): Delivery {
    return this.connection.deliver(frame, from);
  }

  /** Another connection took this seat over (a resumed peer): close this one. */
  evict(): void {
    const c = this.connection;
    if (c.seat !== this) return;
    c.room = null;
    c.id = null;
    c.seat = null;
    if (!c.closed) c.ws?.close(CLOSE.replaced, "Replaced by a resumed connection");
    // A seat held for a dropped socket: the hold ends now, not when its grace runs out.
    else c.endHold();
  }
}
