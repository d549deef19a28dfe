/**
 * A bare WebSocket client over TCP, for what well-behaved clients never do: ignore
 * pings, or vanish without a close frame.
 */
import * as net from "node:net";

export interface RawSocket {
  /** Sends one masked text frame. */
  sendText(text: string): void;
  /** Everything received after the handshake, as latin1. */
  readonly data: () => string;
  readonly closed: Promise<void>;
  /** Drops the TCP connection without a close frame. */
  destroy(): void;
}

export function rawConnect(port: number, path = "/ws"): Promise<RawSocket> {
  return new Promise((resolve, reject) => {
    let buf = "";
    let upgraded = false;
    let closedResolve: () => void;
    const closed = new Promise<void>((r) => (closedResolve = r));
    const s = net.connect(port, "127.0.0.1", () => {
      s.write(
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64")}\r\n` +
          `Sec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
    s.on("data", (d) => {
      buf += d.toString("latin1");
      if (!upgraded) {
        const end = buf.indexOf("\r\n\r\n");
        if (end < 0) return;
        if (!buf.startsWith("HTTP/1.1 101")) return reject(new Error(buf.split("\r\n")[0]));
        upgraded = true;
        buf = buf.slice(end + 4);
        resolve({
          sendText(text) {
            const payload = Buffer.from(text);
            const mask = Buffer.from(crypto.getRandomValues(new Uint8Array(4)));
            const len = payload.length;
            const head =
              len < 126
                ? Buffer.from([0x81, 0x80 | len])
                : Buffer.from([0x81, 0x80 | 126, len >> 8, len & 0xff]);
            const body = Buffer.alloc(len);
            for (let i = 0; i < len; i++) body[i] = payload[i]! ^ mask[i % 4]!;
            s.write(Buffer.concat([head, mask, body]));
          },
          data: () => buf,
          closed,
          destroy: () => s.destroy(),
        });
      }
    });
    s.on("error", () => {});
    s.on("close", () => closedResolve());
  });
}
