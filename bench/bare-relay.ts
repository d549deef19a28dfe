/**
 * The baseline: a bare Bun WebSocket relay. The room comes from the query string; every
 * frame goes as it is to the other sockets of the room: no parsing, no validation. This is
 * the practical floor for relaying on this machine.
 */
type Data = { room: string };
const rooms = new Map<string, Set<Bun.ServerWebSocket<Data>>>();

const server = Bun.serve<Data>({
  port: Number(process.env.PORT ?? 0),
  hostname: "127.0.0.1",
  fetch(req, srv) {
    const url = new URL(req.url);
    if (url.pathname === "/healthz") return new Response("ok");
    if (url.pathname === "/gc") {
      Bun.gc(true);
      const m = process.memoryUsage();
      return Response.json({ rss: m.rss, heapUsed: m.heapUsed });
    }
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
      for (const peer of rooms.get(ws.data.room) ?? []) if (peer !== ws) peer.send(msg);
    },
    close(ws) {
      const set = rooms.get(ws.data.room);
      set?.delete(ws);
      if (set?.size === 0) rooms.delete(ws.data.room);
    },
  },
});
console.log(JSON.stringify({ event: "listening", port: server.port }));
