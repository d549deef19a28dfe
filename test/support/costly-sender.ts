/**
 * A process that sends the costliest frames the limits allow from one address:
 * `sockets` sockets in rooms of two, each sending a burst of `burst` frames and then
 * `perSecond` a second, cycling through costlyFrames(); a socket that is closed reconnects
 * (when the server lets it). Runs for `seconds`, then prints one JSON line: frames sent,
 * close codes, refused connects.
 */
import { costlyFrames } from "./costly-frames.ts";

const args = JSON.parse(process.argv[2]!) as { url: string; sockets: number; seconds: number; burst: number; perSecond: number; maxBytes: number };
const frames = Object.values(costlyFrames(args.maxBytes));
const deadline = performance.now() + args.seconds * 1000;
const closes: Record<number, number> = {};
let sent = 0;
let refused = 0;

function open(): Promise<WebSocket | null> {
  return new Promise((resolve) => {
    const ws = new WebSocket(args.url);
    ws.addEventListener("open", () => resolve(ws), { once: true });
    ws.addEventListener("error", () => resolve(null), { once: true });
  });
}

async function run(index: number) {
  let generation = 0;
  while (performance.now() < deadline) {
    const ws = await open();
    if (!ws) {
      refused++;
      await Bun.sleep(100);
      continue;
    }
    let closed = false;
    ws.addEventListener("close", (e) => {
      closed = true;
      closes[e.code] = (closes[e.code] ?? 0) + 1;
    });
    // Rooms of two: each socket's frames are relayed to another of this address's sockets.
    ws.send(JSON.stringify({ type: "join", room: `costly-${Math.floor(index / 2)}-${generation++}` }));
    let n = 0;
    for (; n < args.burst && !closed; n++, sent++) ws.send(frames[(index + n) % frames.length]!);
    while (!closed && performance.now() < deadline) {
      await Bun.sleep(1000 / args.perSecond);
      if (closed) break;
      ws.send(frames[(index + n++) % frames.length]!);
      sent++;
    }
    if (!closed) ws.close();
  }
}

await Promise.all(Array.from({ length: args.sockets }, (_, i) => run(i)));
console.log(JSON.stringify({ sent, closes, refused }));
process.exit(0);
