/**
 * Every open signaling socket, for the heartbeat sweep and shutdown. An array whose
 * entries know their own index, so removal is a swap with the last: a pointer per socket,
 * where a Set costs a hash-table entry of several words.
 */
export interface Slotted {
  data: { slot: number };
}

export class OpenSockets<T extends Slotted> {
  private readonly list: T[] = [];

  get size(): number {
    return this.list.length;
  }

  add(ws: T): void {
    ws.data.slot = this.list.length;
    this.list.push(ws);
  }

  delete(ws: T): void {
    const at = ws.data.slot;
    if (at < 0 || this.list[at] !== ws) return;
    const last = this.list.pop()!;
    if (last !== ws) {
      this.list[at] = last;
      last.data.slot = at;
    }
    ws.data.slot = -1;
  }

  /** A copy: closing a socket removes it from the list while the caller goes through. */
  snapshot(): T[] {
    return this.list.slice();
  }
}
