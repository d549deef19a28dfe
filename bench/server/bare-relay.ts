/**
 * The baseline: a bare Bun WebSocket relay. The room comes from the query string at the
 * upgrade; every frame goes as it is to the other sockets of the room: no parsing, no
 * validation, no limits. This is the floor for relaying with Bun on this machine.
 */
type Data = { room: string };
const rooms = new Map<string, Set<Bun.ServerWebSocket<Data>>>();

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
      for (const peer of rooms.get(ws.data.room)!) if (peer !== ws) peer.send(msg);
    },
    close(ws) {
      const set = rooms.get(ws.data.room);
      set?.delete(ws);
      if (set?.size === 0) rooms.delete(ws.data.room);
    },
  },
});

// The same memory hook as the real server (src/server/main.ts), so both are measured alike.
process.on("SIGUSR2", () => {
  Bun.gc(true);
  const m = process.memoryUsage();
  console.log(JSON.stringify({ event: "memory", rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal }));
});
console.log(JSON.stringify({ event: "listening", port: server.port }));

// A module, not a script: its names stay its own.
export {};
