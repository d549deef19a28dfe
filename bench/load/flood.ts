/**
 * A flooder for the load benchmark: `connections` sockets send frames as fast as the
 * socket takes them (garbage, and valid but pointless), reconnecting at once whenever the
 * server closes or refuses them, until `seconds` pass or `maxFrames` are sent.
 */
import { open } from "./pairs.ts";

const args = JSON.parse(process.argv[2]!) as { url: string; connections: number; seconds: number; maxFrames: number };
const deadline = performance.now() + args.seconds * 1000;
const closes: Record<number, number> = {};
let frames = 0;
let refused = 0;
const junk = ["{nope", '{"type":"dance"}', '{"type":"app","payload":1}', '{"type":"join","room":"flood"}', "x".repeat(200)];

await Promise.all(
  Array.from({ length: args.connections }, async () => {
    while (performance.now() < deadline && frames < args.maxFrames) {
      let ws: WebSocket;
      try {
        ws = await open(args.url);
      } catch {
        refused++;
        await Bun.sleep(0);
        continue;
      }
      let closed = false;
      ws.addEventListener("close", (e) => {
        closed = true;
        closes[e.code] = (closes[e.code] ?? 0) + 1;
      });
      while (!closed && performance.now() < deadline && frames < args.maxFrames) {
        for (let i = 0; i < 200 && !closed; i++, frames++) ws.send(junk[frames % junk.length]!);
        // Let the socket drain: the flood is as fast as the connection carries.
        await Bun.sleep(0);
      }
      if (!closed) ws.close();
    }
  }),
);
console.log(JSON.stringify({ frames, closes, refusedConnects: refused }));
process.exit(0);
