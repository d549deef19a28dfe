import type { ReactiveController, ReactiveControllerHost } from "lit";
import type { ClientMessage, ServerMessage } from "../../shared/protocol.ts";
import { readServerFrame } from "../../shared/server-message-check.ts";
import { CLOSE } from "../../shared/wire.ts";

export type SignalingStatus = "idle" | "connecting" | "open" | "reconnecting" | "closed";

export interface SignalingHandlers {
  /** Every well-formed message from the server. */
  message(msg: ServerMessage): void;
  /** The socket is open (first time or after a reconnect). */
  open(reconnected: boolean): void;
  /** The server ended the session for good (e.g. our seat was taken over): no reconnect. */
  gone(code: number, reason: string): void;
  /** `status` changed. */
  status(): void;
}

/** Reconnect delays: exponential from BASE to MAX, with jitter so peers do not stampede. */
const BACKOFF_BASE_MS = 300;
export const BACKOFF_MAX_MS = 8000;
/** Closes after which trying again cannot help. */
const FINAL_CLOSES: ReadonlySet<number> = new Set([CLOSE.replaced, CLOSE.policyViolation, CLOSE.tooBig]);

/**
 * The signaling WebSocket of one element: checks the shape of every frame, reconnects with
 * backoff and jitter when the connection drops, and closes in hostDisconnected.
 */
export class SignalingController implements ReactiveController {
  status: SignalingStatus = "idle";
  /** Attempts in a row that did not get a socket open. */
  failures = 0;
  /** The socket has been open at least once since `connect`. */
  everOpened = false;
  /** Code of the last close (0 before any), e.g. 1001 while the server restarts. */
  lastCloseCode = 0;
  private ws: WebSocket | null = null;
  private url = "";
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    host: ReactiveControllerHost,
    private readonly on: SignalingHandlers,
  ) {
    host.addController(this);
  }

  connect(url: string): void {
    this.close();
    this.url = url;
    this.attempt = 0;
    this.failures = 0;
    this.everOpened = false;
    this.lastCloseCode = 0;
    this.open();
  }

  /** Sends a message if the socket is open; false if it is not. */
  send(msg: ClientMessage): boolean {
    if (this.ws?.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(msg));
    return true;
  }

  /** Closes for good (no reconnect). Harmless to call again. */
  close(): void {
    clearTimeout(this.timer);
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
      ws.close(1000);
    }
    this.setStatus(this.status === "idle" ? "idle" : "closed");
  }

  hostDisconnected(): void {
    this.close();
  }

  private open() {
    this.setStatus(this.everOpened ? "reconnecting" : "connecting");
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.url);
    } catch {
      return this.retry();
    }
    this.ws = ws;
    ws.onopen = () => {
      const reconnected = this.everOpened;
      this.everOpened = true;
      this.attempt = 0;
      this.failures = 0;
      this.setStatus("open");
      this.on.open(reconnected);
    };
    ws.onmessage = (e) => {
      const msg = readServerFrame(String(e.data));
      if (msg) this.on.message(msg);
    };
    ws.onclose = (e) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.lastCloseCode = e.code;
      if (FINAL_CLOSES.has(e.code)) {
        // Told first, so that the end is known before the status says "closed".
        this.on.gone(e.code, e.reason);
        this.setStatus("closed");
        return;
      }
      this.retry();
    };
  }

  private retry() {
    if (!this.everOpened || this.status !== "open") this.failures++;
    this.setStatus(this.everOpened ? "reconnecting" : "connecting");
    this.on.status();
    const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** this.attempt++);
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    this.timer = setTimeout(() => this.open(), delay);
  }

  private setStatus(status: SignalingStatus) {
    if (this.status === status) return;
    this.status = status;
    this.on.status();
  }
}
