import type { LitElement, ReactiveController } from "lit";
import { emit } from "../../shared/events.ts";
import type { ChatMessageDetail } from "../events.ts";
import type { RoomSession } from "../session/room-session.ts";
import { CHAT_TEXT_MAX, chatMessage, readChat } from "./chat-message.ts";
import { TokenBucket } from "./token-bucket.ts";

/** Lines the panel keeps; older ones go. */
export const CHAT_HISTORY_MAX = 200;
/** What this side may send: a burst of 10, then 5 a second. */
const SEND_RATE = 5;
const SEND_BURST = 10;
/** What is taken from each peer: the same rate, with room for messages that arrive bunched (e.g. queued until the channel opened). */
const RECEIVE_RATE = 5;
const RECEIVE_BURST = 20;
/** The panel says a peer's messages are being dropped at most this often. */
const FLOOD_NOTE_MS = 10_000;
/** Messages that wait for one peer's channel to open; past this the oldest go. */
const PENDING_MAX = 50;

/** One line of the panel: a message, or a note from the element itself. */
export type ChatEntry = (ChatMessageDetail & { id: number }) | { id: number; note: string };

export interface ChatHost extends LitElement {
  /** The panel is open. */
  chat: boolean;
}

export interface ChatOptions {
  /** In the call, seated: messages may be sent. */
  live(): boolean;
  /** How `peer` is shown (as on its tile). */
  name(peer: string): string;
}

/**
 * Text chat over each link's data channel, beside the media state (never through the
 * signaling server): what is sent and received, a bounded history, unread count, and the
 * limits. A message for a peer whose channel is not open yet waits here, in order, and
 * goes when it opens. Nobody gets the history from before they joined.
 */
export class ChatController implements ReactiveController {
  readonly entries: ChatEntry[] = [];
  /** Messages from the others while the panel was closed. */
  unread = 0;
  /** Why the last message could not be sent, until one is. */
  refusal = "";
  private lastId = 0;
  private scroll = false;
  private focus: string | null = null;
  private readonly sent = new TokenBucket(SEND_RATE, SEND_BURST);
  private readonly taken = new TokenBucket(RECEIVE_RATE, RECEIVE_BURST);
  /** When the panel last said that a peer's messages were dropped, by peer. */
  private readonly noted = new Map<string, number>();
  private readonly pending = new Map<string, string[]>();

  constructor(
    private readonly host: ChatHost,
    private readonly session: RoomSession,
    private readonly o: ChatOptions,
  ) {
    host.addController(this);
  }

  /** Sends `text` (trimmed) to everyone in the call; false when empty, too long, too fast or not in a call. */
  send(text: string): boolean {
    text = String(text).trim();
    if (!text) return false;
    this.refusal = !this.o.live()
      ? "Chat works only in a call."
      : text.length > CHAT_TEXT_MAX
        ? `At most ${CHAT_TEXT_MAX} characters.`
        : this.sent.take("")
          ? ""
          : "Too many at once: wait a moment.";
    this.host.requestUpdate();
    if (this.refusal) return false;
    for (const peer of this.session.roster) {
      const channel = this.session.links.get(peer)?.channel;
      if (channel?.open) channel.send(chatMessage(text));
      else {
        const queue = this.pending.get(peer) ?? [];
        if (queue.push(text) > PENDING_MAX) queue.shift();
        this.pending.set(peer, queue);
      }
    }
    this.add(this.session.selfId ?? "", "You", text, true);
    return true;
  }

  /** A message from `peer` over its link (anything else is ignored). */
  receive(peer: string, msg: unknown): void {
    const text = readChat(msg);
    if (text === null) return;
    const name = this.o.name(peer);
    const now = performance.now();
    if (!this.taken.take(peer, now)) {
      // Not once per message dropped: the notes would be a flood of their own.
      if (now >= (this.noted.get(peer) ?? -Infinity) + FLOOD_NOTE_MS) {
        this.noted.set(peer, now);
        this.push({ id: ++this.lastId, note: `${name} sent too many at once; some are not shown.` });
      }
      return;
    }
    if (!this.host.chat) this.unread++;
    this.add(peer, name, text, false);
  }

  /** `peer`'s channel opened: what waited for it goes now. */
  flush(peer: string): void {
    for (const text of this.pending.get(peer) ?? []) this.session.tell(peer, chatMessage(text));
    this.pending.delete(peer);
  }

  /** `peer` left. */
  forget(peer: string): void {
    this.pending.delete(peer);
    this.noted.delete(peer);
    this.taken.forget(peer);
  }

  /** The call is over: nothing is kept for the next one. */
  clear(): void {
    this.entries.length = this.unread = 0;
    this.refusal = "";
    this.pending.clear();
    this.noted.clear();
    this.taken.clear();
    this.sent.clear();
  }

  /** Opens or closes the panel from its controls: the focus goes to the message box, or back to the toggle. */
  toggle(open = !this.host.chat): void {
    this.host.chat = open;
    this.focus = open ? "chat-input" : "chat-toggle";
  }

  hostUpdate(): void {
    if (this.host.chat) this.unread = 0;
  }

  hostUpdated(): void {
    const root = this.host.renderRoot;
    const log = root.querySelector(".chat-log");
    if (log && this.scroll) log.scrollTop = log.scrollHeight;
    this.scroll = false;
    if (this.focus) root.querySelector<HTMLElement>(`[part~="${this.focus}"]`)?.focus();
    this.focus = null;
  }

  private add(from: string, name: string, text: string, self: boolean) {
    const message = { from, name, text, at: Date.now(), self };
    this.push({ id: ++this.lastId, ...message });
    emit<ChatMessageDetail>(this.host, "chat-message", message);
  }

  private push(entry: ChatEntry) {
    if (this.entries.push(entry) > CHAT_HISTORY_MAX) this.entries.shift();
    this.scroll = true;
    this.host.requestUpdate();
  }
}
