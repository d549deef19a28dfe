/**
 * A bare WebSocket client over TCP, for what well-behaved clients never do: ignore
 * pings, vanish without a close frame, send frames a browser would not, or connect from
 * another loopback address.
 */
import * as net from "node:net";

export interface RawSocket {
  /** Sends one masked text frame. */
  sendText(text: string): void;
  /** Sends masked text frames in one write: they reach the server together, read as one. */
  sendTexts(texts: string[]): void;
  /** Sends one frame of any opcode (text 0x1, ping 0x9, ...); unmasked if asked. */
  sendFrame(opcode: number, payload: Uint8Array, options?: { masked?: boolean }): void;
  /** The upgrade response's head (status line and headers). */
  readonly head: string;
  /** Everything received after the handshake, as latin1. */
  readonly data: () => string;
  /** The code of the close frame the server sent, if it sent one. */
  closeCode(): number | null;
  /** Resolves once `check(data())` holds; rejects after `timeoutMs`. */
  until(check: (data: string) => boolean, timeoutMs?: number): Promise<void>;
  readonly closed: Promise<void>;
  /** Stops reading from the socket (what the server sends waits in its queue), and starts again. */
  pause(): void;
  resume(): void;
  /** Drops the TCP connection without a close frame. */
  destroy(): void;
}

export interface RawOptions {
  path?: string;
  /** Extra request header lines, e.g. "Origin: https://x.example". */
  headers?: string[];
  /** The Host header (default: 127.0.0.1:<port>). */
  host?: string;
  /** Connect from this local address (any of 127.0.0.0/8 on Linux). */
  localAddress?: string;
}

function frameOf(opcode: number, payload: Uint8Array, masked: boolean): Buffer {
  const len = payload.length;
  const lengthBytes =
    len < 126 ? [len] : len < 65536 ? [126, len >> 8, len & 0xff] : [127, 0, 0, 0, 0, (len >>> 24) & 0xff, (len >> 16) & 0xff, (len >> 8) & 0xff, len & 0xff];
  lengthBytes[0]! |= masked ? 0x80 : 0;
  const head = Buffer.from([0x80 | opcode, ...lengthBytes]);
  if (!masked) return Buffer.concat([head, payload]);
  const mask = Buffer.from(crypto.getRandomValues(new Uint8Array(4)));
  const body = Buffer.alloc(len);
  for (let i = 0; i < len; i++) body[i] = payload[i]! ^ mask[i % 4]!;
  return Buffer.concat([head, mask, body]);
}

/** Walks the server's (unmasked) frames for a close frame's code. */
function closeCodeIn(bytes: Buffer): number | null {
  let at = 0;
  while (at + 2 <= bytes.length) {
    const opcode = bytes[at]! & 0x0f;
    let len = bytes[at + 1]! & 0x7f;
    let head = 2;
    if (len === 126) [len, head] = [bytes.readUInt16BE(at + 2), 4];
    else if (len === 127) [len, head] = [Number(bytes.readBigUInt64BE(at + 2)), 10];
    if (opcode === 0x8) return len >= 2 ? bytes.readUInt16BE(at + head) : 1005;
    at += head + len;
  }
  return null;
}

export function rawConnect(port: number, options: RawOptions | string = {}): Promise<RawSocket> {
  const o: RawOptions = typeof options === "string" ? { path: options } : options;
  return new Promise((resolve, reject) => {
    let buf = "";
    let upgraded = false;
    let closedResolve: () => void;
    const closed = new Promise<void>((r) => (closedResolve = r));
    const waiters = new Set<() => void>();
    const s = net.connect({ port, host: "127.0.0.1", localAddress: o.localAddress }, () => {
      s.write(
        `GET ${o.path ?? "/ws"} HTTP/1.1\r\nHost: ${o.host ?? `127.0.0.1:${port}`}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64")}\r\n` +
          `Sec-WebSocket-Version: 13\r\n${(o.headers ?? []).map((h) => `${h}\r\n`).join("")}\r\n`,
      );
    });
    s.on("data", (d) => {
      buf += d.toString("latin1");
      if (upgraded) {
        for (const w of waiters) w();
        return;
      }
      const end = buf.indexOf("\r\n\r\n");
      if (end < 0) return;
      const head = buf.slice(0, end);
      if (!head.startsWith("HTTP/1.1 101")) return reject(new Error(head.split("\r\n")[0]));
      upgraded = true;
      buf = buf.slice(end + 4);
      resolve({
        sendText(text) {
          s.write(frameOf(0x1, Buffer.from(text), true));
        },
        sendTexts(texts) {
          s.write(Buffer.concat(texts.map((t) => frameOf(0x1, Buffer.from(t), true))));
        },
        sendFrame(opcode, payload, { masked = true } = {}) {
          s.write(frameOf(opcode, payload, masked));
        },
        head,
        data: () => buf,
        closeCode: () => closeCodeIn(Buffer.from(buf, "latin1")),
        until(check, timeoutMs = 5000) {
          return new Promise<void>((done, fail) => {
            const test = () => {
              if (!check(buf)) return;
              waiters.delete(test);
              clearTimeout(timer);
              done();
            };
            const timer = setTimeout(() => {
              waiters.delete(test);
              fail(new Error(`condition not met within ${timeoutMs} ms`));
            }, timeoutMs);
            waiters.add(test);
            test();
          });
        },
        closed,
        pause: () => s.pause(),
        resume: () => s.resume(),
        destroy: () => s.destroy(),
      });
    });
    s.on("error", (err) => {
      if (!upgraded) reject(err);
    });
    s.on("close", () => {
      closedResolve();
      if (!upgraded) reject(new Error("closed before the upgrade"));
    });
  });
}
