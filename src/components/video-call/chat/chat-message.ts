/**
 * A chat message as the peers send it over their links' data channel (beside the media
 * state): `{ type: "chat", text }`. The time is the receiver's own (see ChatMessageDetail).
 */

/** Longest message, in characters (UTF-16 code units): longer ones are refused when sent and dropped when received. */
export const CHAT_TEXT_MAX = 2000;

export function chatMessage(text: string) {
  return { type: "chat", text } as const;
}

/** The text of `msg` when it is a chat message within bounds, or null. */
export function readChat(msg: unknown): string | null {
  const m = msg as { type?: unknown; text?: unknown } | null;
  if (m?.type !== "chat" || typeof m.text !== "string") return null;
  const text = m.text.trim();
  return text && text.length <= CHAT_TEXT_MAX ? text : null;
}
