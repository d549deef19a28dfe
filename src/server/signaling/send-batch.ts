/**
 * Relayed frames go out together at the end of the event loop's turn, as Redis writes its
 * replies just before it waits for more: sending each the moment it is checked interleaves
 * two kinds of work (checking, writing), and on loopback each write may wake a reader that
 * already went back to sleep, a cost the sender pays. Batched, a turn's writes run back to
 * back. A frame waits microseconds: only for the rest of the frames that arrived with it.
 */

/** Something with frames waiting; `flush` sends them, and does nothing when there are none. */
export interface Flushable {
  flush(): void;
}

const waiting: Flushable[] = [];
let scheduled = false;

/** `c` has a frame waiting: it is flushed at the end of this turn (or sooner, by itself). */
export function flushLater(c: Flushable): void {
  waiting.push(c);
  if (scheduled) return;
  scheduled = true;
  setImmediate(flushAll);
}

function flushAll(): void {
  scheduled = false;
  for (let i = 0; i < waiting.length; i++) waiting[i]!.flush();
  waiting.length = 0;
}
