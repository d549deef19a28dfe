import { LitElement, html } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import { createRoomRule, ROOM_NAME_CHARSET, ROOM_NAME_MAX, type RoomRule } from "../../shared/room-name.ts";
import { styles } from "./styles.ts";

/** Detail of `room-input`: the name as typed and whether the server would take it. */
export interface RoomInputDetail {
  room: string;
  valid: boolean;
  error: string | null;
}

/** Detail of `room-submit`. */
export interface RoomSubmitDetail {
  room: string;
}

/** How long typing must pause before the room's occupancy is asked for. */
const OCCUPANCY_DELAY_MS = 250;

/**
 * A room-name field with inline validation (the server's own rule) and the room's
 * occupancy, e.g. "1 of 2 here". Submitting goes to the room's page through a plain GET
 * form, so the same flow works without JavaScript: put a fallback `<form>` inside the
 * element; it shows only until the element is defined.
 *
 * @example
 * <room-join>
 *   <form action="/join" method="get"><input name="room" required><button>Join</button></form>
 * </room-join>
 *
 * @attr action - Where the form goes (GET, field `room`). Default `/join`.
 * @attr base-url - Origin of the server that serves occupancy fragments. Default: this page's.
 * @attr value - The room name in the field.
 * @attr token - A join token (JWT) for servers that show occupancy only to holders of one.
 * @attr error - A message to show at the field from the start (e.g. why the server refused the name); the field then has the focus.
 * @attr room-max-length - The server's longest room name, when it narrows the protocol's 64 (its pages set this).
 * @attr room-charset - The server's room-name characters as a character class body, e.g. `a-z0-9-`, when it narrows them.
 *
 * @fires room-input - The name changed; detail `{ room, valid, error }`.
 * @fires room-submit - A valid name is about to be submitted; detail `{ room }`. Cancelable: call `preventDefault()` to handle it yourself.
 *
 * @csspart form - The form.
 * @csspart label - The label around the field.
 * @csspart input - The text field.
 * @csspart button - The join button.
 * @csspart error - The inline validation message.
 * @csspart occupancy - The occupancy line.
 *
 * @cssprop --rc-accent - Button background.
 * @cssprop --rc-accent-text - Button text colour.
 * @cssprop --rc-radius - Corner radius.
 * @cssprop --rc-border - Field border colour.
 * @cssprop --rc-danger - Colour of errors.
 * @cssprop --rc-muted - Colour of the occupancy line.
 * @cssprop --rc-text - Text colour.
 */
@customElement("room-join")
export class RoomJoin extends LitElement {
  static override styles = styles;

  @property() action = "/join";
  @property({ attribute: "base-url" }) baseUrl = "";
  @property() value = "";
  @property({ attribute: "room-max-length", type: Number }) roomMaxLength = ROOM_NAME_MAX;
  @property({ attribute: "room-charset" }) roomCharset = ROOM_NAME_CHARSET;
  /** A join token, for servers that show a room's occupancy only to holders of one. */
  @property() token = "";

  /** The inline message, or null while the name is valid (or untouched). A page may set it (a server's refusal). */
  @property() error: string | null = null;
  /** The last occupancy fragment's text, e.g. "1 of 2 here". */
  @state() occupancy = "";
  /** The last occupancy fragment said the room is full. */
  @state() full = false;

  private timer: ReturnType<typeof setTimeout> | undefined;
  private pending: AbortController | undefined;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.timer);
    this.pending?.abort();
  }

  protected override firstUpdated(): void {
    // Sent back with a refusal: the person fixes the name right where it is.
    if (this.error) this.renderRoot.querySelector("input")?.focus();
  }

  /** The room-name rule of the server this element submits to. */
  private get rule(): RoomRule {
    return createRoomRule(this.roomMaxLength, this.roomCharset);
  }

  override render() {
    const invalid = this.error !== null;
    return html`
      <form part="form" action=${this.action} method="get" @submit=${this.onSubmit} novalidate>
        <label part="label">
          Room name
          <input
            part="input"
            name="room"
            autocomplete="off"
            spellcheck="false"
            maxlength=${this.rule.maxLength}
            placeholder="e.g. team-standup"
            .value=${this.value}
            aria-invalid=${invalid ? "true" : "false"}
            aria-describedby="error"
            @input=${this.onInput}
          />
        </label>
        <button part="button" aria-disabled=${this.full ? "true" : "false"} aria-describedby="occupancy">Join</button>
        <p part="error" id="error" class="error" role="alert">${this.error ?? ""}</p>
        <output part="occupancy" id="occupancy" aria-live="polite">${this.occupancy}</output>
      </form>
    `;
  }


  private onInput(e: Event) {
    this.value = (e.target as HTMLInputElement).value;
    this.error = this.value === "" ? null : this.rule.problem(this.value);
    this.dispatchEvent(
      new CustomEvent<RoomInputDetail>("room-input", {
        detail: { room: this.value, valid: this.value !== "" && this.error === null, error: this.error },
        bubbles: true,
        composed: true,
      }),
    );
    clearTimeout(this.timer);
    this.pending?.abort();
    this.occupancy = "";
    this.full = false;
    if (this.value !== "" && this.error === null) {
      this.timer = setTimeout(() => void this.fetchOccupancy(this.value), OCCUPANCY_DELAY_MS);
    }
  }

  /** Fetches the server's occupancy fragment and shows its text. */
  private async fetchOccupancy(room: string) {
    const ctrl = new AbortController();
    this.pending = ctrl;
    try {
      const base = this.baseUrl || location.origin;
      const url = new URL(`/rooms/${encodeURIComponent(room)}/occupancy`, base);
      if (this.token) url.searchParams.set("token", this.token);
      const res = await fetch(url, { signal: ctrl.signal });
      // The fragment is a small piece of server HTML; only its text is shown.
      const doc = new DOMParser().parseFromString(await res.text(), "text/html");
      const text = doc.body.textContent?.trim() ?? "";
      if (ctrl.signal.aborted || room !== this.value) return;
      // A 400 says why this server will not take the name (it may narrow the protocol's rule).
      if (res.status === 400) this.error = text;
      else if (res.status === 401) this.occupancy = text;
      else if (res.ok) {
        this.occupancy = text;
        const out = doc.querySelector("output[data-count][data-capacity]");
        this.full = !!out && Number(out.getAttribute("data-count")) >= Number(out.getAttribute("data-capacity"));
      }
    } catch {
      // Occupancy is a hint; the join itself still works without it.
    }
  }

  private onSubmit(e: SubmitEvent) {
    // The button stays enabled (reachable by Tab and Enter); what is wrong is said here.
    this.error = this.value === "" ? "Enter a room name." : this.full ? "This room is full right now: try again later, or pick another name." : this.rule.problem(this.value);
    if (this.error !== null) {
      e.preventDefault();
      this.renderRoot.querySelector("input")?.focus();
      return;
    }
    const go = this.dispatchEvent(
      new CustomEvent<RoomSubmitDetail>("room-submit", {
        detail: { room: this.value },
        bubbles: true,
        composed: true,
        cancelable: true,
      }),
    );
    if (!go) e.preventDefault();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "room-join": RoomJoin;
  }
  interface GlobalEventHandlersEventMap {
    "room-input": CustomEvent<RoomInputDetail>;
    "room-submit": CustomEvent<RoomSubmitDetail>;
  }
}
