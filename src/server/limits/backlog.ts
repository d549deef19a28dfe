/**
 * What waits in one socket's send queue, by the room-mate who sent it, so that a sender
 * can be held to its share: Bun closes a socket whose queue passes its limit, and one
 * room-mate's burst must not be what gets a peer that reads disconnected.
 *
 * A record is made when a send finds the queue backed up. Bun tells how many bytes are
 * queued, not whose; the queue is first in, first out, so what has gone out since is
 * taken off the oldest records first. Bytes the server queued for itself (answers,
 * `peer-joined`) are not recorded: they can only make a sender's share look larger than it
 * is, until they have gone out too.
 */
export class Backlog {
  private readonly senders: string[] = [];
  private readonly sizes: number[] = [];
  private head = 0;
  private total = 0;
  private readonly bySender = new Map<string, number>();

  /** Bytes of frames from room-mates still queued. */
  get queued(): number {
    return this.total;
  }

  /** Bytes of `sender`'s frames still queued. */
  of(sender: string): number {
    return this.bySender.get(sender) ?? 0;
  }

  /** `sender` queued `bytes` more. */
  add(sender: string, bytes: number): void {
    this.senders.push(sender);
    this.sizes.push(bytes);
    this.total += bytes;
    this.bySender.set(sender, this.of(sender) + bytes);
  }

  /** Bun says `buffered` bytes are queued now: whatever is older has gone out. */
  settle(buffered: number): void {
    while (this.total > buffered && this.head < this.sizes.length) {
      const size = this.sizes[this.head]!;
      const sender = this.senders[this.head]!;
      const gone = Math.min(size, this.total - buffered);
      this.total -= gone;
      const left = this.of(sender) - gone;
      if (left > 0) this.bySender.set(sender, left);
      else this.bySender.delete(sender);
      if (gone < size) {
        this.sizes[this.head] = size - gone;
      } else {
        this.head++;
      }
    }
    // Drop the records that have gone out once they are half of them.
    if (this.head > 64 && this.head * 2 > this.sizes.length) {
      this.senders.splice(0, this.head);
      this.sizes.splice(0, this.head);
      this.head = 0;
    }
  }
}
