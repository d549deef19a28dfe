/** Messages that may wait for the channel to open; past this the oldest go. */
const QUEUE_MAX = 100;
/** Largest message taken from a peer (characters of JSON). */
const MESSAGE_MAX = 16 * 1024;

/**
 * A data channel beside the media of one link, for what the peers tell each other directly
 * (their microphone and camera state, chat): encrypted end to end like the media, never
 * seen by the signaling server. It is negotiated (both sides open it with the same id), so
 * it is part of the first offer and needs no round trip of its own. Messages sent before it
 * opens wait, and go when it does.
 */
export class PeerChannel {
  private readonly channel: RTCDataChannel;
  private queue: string[] = [];

  constructor(
    pc: RTCPeerConnection,
    /** A message from the peer: any JSON value, to be checked by whoever reads it. */
    onMessage: (msg: unknown) => void,
    /** The channel opened (again, after a new connection). */
    onOpen: () => void,
  ) {
    const channel = (this.channel = pc.createDataChannel("roomcall", { negotiated: true, id: 0 }));
    channel.onopen = () => {
      for (const text of this.queue.splice(0)) channel.send(text);
      onOpen();
    };
    channel.onmessage = (e) => {
      if (typeof e.data !== "string" || e.data.length > MESSAGE_MAX) return;
      try {
        onMessage(JSON.parse(e.data));
      } catch {
        // Not JSON: not ours.
      }
    };
  }

  get open(): boolean {
    return this.channel.readyState === "open";
  }

  /** Sends `msg` now, or when the channel opens. */
  send(msg: unknown): void {
    const text = JSON.stringify(msg);
    if (this.channel.readyState === "open") return this.channel.send(text);
    if (this.channel.readyState === "closing" || this.channel.readyState === "closed") return;
    this.queue.push(text);
    if (this.queue.length > QUEUE_MAX) this.queue.shift();
  }

  close(): void {
    const c = this.channel;
    c.onopen = c.onmessage = null;
    this.queue = [];
    c.close();
  }
}
