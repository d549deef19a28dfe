import type { ReactiveController, ReactiveControllerHost } from "lit";

/** How often a full room's occupancy is asked for, and for how long at most. */
const POLL_MS = 3000;
const POLL_FOR_MS = 10 * 60 * 1000;

/**
 * After `full`: watches the room's occupancy fragment (on the signaling server's origin)
 * until a seat is free, so the element can offer to join then instead of failing again.
 */
export class SeatWatch implements ReactiveController {
  /** A seat was seen free since watching began. */
  free = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private abort: AbortController | null = null;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  /** Starts watching `room` on the server whose signaling socket is at `signalingUrl`. */
  watch(signalingUrl: string, room: string): void {
    this.stop();
    const url = occupancyUrl(signalingUrl, room);
    if (!url) return;
    const until = Date.now() + POLL_FOR_MS;
    const abort = (this.abort = new AbortController());
    const poll = async () => {
      try {
        const res = await fetch(url, { signal: abort.signal, cache: "no-store" });
        const html = new DOMParser().parseFromString(await res.text(), "text/html");
        const out = html.querySelector("output[data-count][data-capacity]");
        if (out && Number(out.getAttribute("data-count")) < Number(out.getAttribute("data-capacity"))) {
          this.free = true;
          this.host.requestUpdate();
          return;
        }
      } catch {
        if (abort.signal.aborted) return;
        // The fragment is a hint: try again later.
      }
      if (!abort.signal.aborted && Date.now() < until) this.timer = setTimeout(poll, POLL_MS);
    };
    this.timer = setTimeout(poll, POLL_MS);
  }

  stop(): void {
    clearTimeout(this.timer);
    this.abort?.abort();
    this.abort = null;
    if (this.free) {
      this.free = false;
      this.host.requestUpdate();
    }
  }

  hostDisconnected(): void {
    this.stop();
  }
}

/** `/rooms/<room>/occupancy` on the origin of a `ws(s)://…/ws` signaling URL. */
function occupancyUrl(signalingUrl: string, room: string): string | null {
  try {
    const u = new URL(signalingUrl);
    u.protocol = u.protocol === "wss:" ? "https:" : "http:";
    u.pathname = `/rooms/${encodeURIComponent(room)}/occupancy`;
    u.search = "";
    return u.href;
  } catch {
    return null;
  }
}
