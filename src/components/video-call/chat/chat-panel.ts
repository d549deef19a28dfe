/** The chat's toggle (in the controls row) and its panel: a log of messages and a form to send one. */
import { html, nothing } from "lit";
import { repeat } from "lit/directives/repeat.js";
import type { ChatController } from "./chat-controller.ts";
import { CHAT_TEXT_MAX } from "./chat-message.ts";

export function chatToggle(c: ChatController, open: boolean) {
  const badge = c.unread && !open ? html`<span class="badge">${c.unread}<span class="visually-hidden"> unread</span></span>` : nothing;
  return html`<button part="button chat-toggle" aria-expanded=${open} aria-controls="chat" @click=${() => c.toggle()}>Chat ${badge}</button>`;
}

const time = (at: number) => new Date(at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });

function send(c: ChatController, e: SubmitEvent) {
  e.preventDefault();
  const input = (e.target as HTMLFormElement).elements.namedItem("text") as HTMLInputElement;
  if (!c.send(input.value)) return;
  input.value = "";
  // Ready for the next one, also after a click on Send.
  input.focus();
}

/** What peers send goes in through text bindings only: it is never parsed as HTML. */
export function chatPanel(c: ChatController, open: boolean) {
  // Each line on one line of the template: the lines keep the message's own white space.
  const line = (e: ChatController["entries"][number]) =>
    "note" in e ? html`<p class="note">${e.note}</p>` : html`<p><b><bdi>${e.name}</bdi></b> <time>${time(e.at)}</time><br />${e.text}</p>`;
  return html`<section id="chat" class="chat" part="chat" aria-label="Chat" ?hidden=${!open} @keydown=${(e: KeyboardEvent) => e.key === "Escape" && !e.isComposing && c.toggle(false)}>
    <div class="chat-log" part="chat-log" role="log" aria-live="polite" aria-label="Messages" tabindex="0">
      ${c.entries.length ? repeat(c.entries, (e) => e.id, line) : html`<p class="note">Only those in the call now see what is sent.</p>`}
    </div>
    <form @submit=${(e: SubmitEvent) => send(c, e)}>
      <label for="chat-input">Message</label>
      <input id="chat-input" name="text" part="chat-input" maxlength=${CHAT_TEXT_MAX} autocomplete="off" />
      <button part="button chat-send" class="primary">Send</button>
    </form>
    <p class="notice" part="notice chat-notice" role="status">${c.refusal}</p>
  </section>`;
}
