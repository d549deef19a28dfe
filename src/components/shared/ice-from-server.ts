import type { IceConfig } from "../../shared/protocol.ts";
import { readServerFrame } from "../../shared/server-message-check.ts";

/**
 * Asks a signaling server for its ICE servers (with fresh TURN credentials) over a socket
 * of its own, without joining a room. Rejects with a sentence when it cannot.
 */
export function iceFromServer(url: string, timeoutMs = 5000): Promise<IceConfig> {
  return new Promise((resolve, reject) => {
    let ws: WebSocket;
    try {
      ws = new WebSocket(url);
    } catch {
      return reject(new Error("The signaling server address is not valid."));
    }
    const fail = () => {
      finish();
      reject(new Error("The signaling server could not be reached to get the relay's credentials."));
    };
    const timer = setTimeout(fail, timeoutMs);
    const finish = () => {
      clearTimeout(timer);
      ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
      ws.close(1000);
    };
    ws.onopen = () => ws.send(JSON.stringify({ type: "ice-refresh" }));
    ws.onmessage = (e) => {
      const msg = readServerFrame(String(e.data));
      if (msg?.type !== "ice") return;
      finish();
      resolve(msg.ice);
    };
    ws.onerror = ws.onclose = fail;
  });
}
