/**
 * Diagnostic variants of the bare relay that add only JSON work, to measure in the real
 * setting what JSON costs per relayed message (the relay benchmark's `description`s):
 * RELAY_MODE=rebuild parses each frame and encodes a rebuilt one with `from` (as ours does,
 * minus validation and everything else); RELAY_MODE=splice parses it and passes the frame on
 * with `from` spliced in front, never encoding the SDP again.
 */
type Data = { room: string };
const rooms = new Map<string, Set<Bun.ServerWebSocket<Data>>>();
const FROM = "Ab3dE6gH9jK1";
const splice = process.env.RELAY_MODE === "splice";

function transform(frame: string): string {
  const m = JSON.parse(frame);
  if (splice) return `{"from":"${FROM}",${frame.slice(frame.indexOf("{") + 1)}`;
  return JSON.stringify({ type: m.type, from: FROM, description: m.description });
}

const server = Bun.serve<Data>({
  port: Number(process.env.PORT ?? 0),
  hostname: process.env.HOST ?? "127.0.0.1",
  fetch(req, srv) {
    const url = new URL(req.url);
    if (url.pathname === "/healthz") return new Response("ok");
    if (srv.upgrade(req, { data: { room: url.searchParams.get("room") ?? "" } })) return;
    return new Response("upgrade expected", { status: 426 });
  },
  websocket: {
    open(ws) {
      let set = rooms.get(ws.data.room);
      if (!set) rooms.set(ws.data.room, (set = new Set()));
      set.add(ws);
    },
    message(ws, msg) {
      const out = transform(String(msg));
      for (const peer of rooms.get(ws.data.room)!) if (peer !== ws) peer.send(out);
    },
    close(ws) {
      const set = rooms.get(ws.data.room);
      set?.delete(ws);
      if (set?.size === 0) rooms.delete(ws.data.room);
    },
  },
});
console.log(JSON.stringify({ event: "listening", port: server.port }));

// A module, not a script: its names stay its own.
export {};
