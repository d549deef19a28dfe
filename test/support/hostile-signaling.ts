/**
 * A signaling server that is not ours: it answers a join with frames that break the
 * protocol's shapes (ids that are not ids, wrong types, missing fields), then with a valid
 * `created`. For the elements' tests of what they accept from a server named in
 * `signaling-url`. Run: `bun test/support/hostile-signaling.ts <port>`.
 */
const port = Number(process.argv[2] ?? 0);

const BAD: unknown[] = [
  { type: "joined", room: "r", id: "me", capacity: 2, resume: "x".repeat(20), resumed: false, peers: ['"]) x', "<img src=x onerror=alert(1)>"] },
  { type: "joined", room: "r", id: { toString: null }, capacity: 2, resume: 1, resumed: false, peers: "everyone" },
  { type: "peer-joined", peer: "a b" },
  { type: "peer-joined", peer: ["x"] },
  { type: "description", from: "'];alert(1)//", description: { type: "offer", sdp: "v=0" } },
  { type: "description", from: "peer1", description: { type: "evil" } },
  { type: "candidate", from: "peer1", candidate: "candidate:1" },
  { type: "peer-left", peer: "peer1", reason: "kicked" },
  { type: "full", room: "r", capacity: "two" },
  { type: "error", code: "room-name" },
  { type: "created" },
  { type: "created", room: "r", id: "me", capacity: 2, resume: "x".repeat(20), resumed: false, ice: { iceServers: "all of them", iceTransportPolicy: "all" } },
  "created",
  42,
];

Bun.serve({
  hostname: "127.0.0.1",
  port,
  fetch(req, srv) {
    if (new URL(req.url).pathname === "/healthz") return new Response("ok");
    if (srv.upgrade(req)) return undefined;
    return new Response("WebSocket only", { status: 426 });
  },
  websocket: {
    message(ws, raw) {
      const msg = JSON.parse(String(raw));
      if (msg.type !== "join") return;
      for (const m of BAD) ws.send(JSON.stringify(m));
      ws.send("{not json");
      ws.send(JSON.stringify({ type: "created", room: msg.room, id: "me", capacity: 2, resume: "hostile.me.1.signature0000", resumed: false, ice: { iceServers: [], iceTransportPolicy: "all" } }));
    },
  },
});
