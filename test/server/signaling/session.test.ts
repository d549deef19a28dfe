/**
 * What a session needs to survive gaps in signaling: relays to a seat whose socket is gone
 * are refused with a typed error (not dropped in silence), a peer taking its seat back is
 * announced, link generations pass through, and a rooms backend that fails a join leaves
 * the socket usable.
 */
import { describe, expect, test } from "bun:test";
import { createLogger } from "../../../src/server/logger.ts";
import { createMemoryRegistry } from "../../../src/server/rooms/memory-registry.ts";
import { loneNode } from "../../../src/server/rooms/node-link.ts";
import type { RoomRegistry } from "../../../src/server/rooms/registry.ts";
import { createRoomHub } from "../../../src/server/rooms/room-hub.ts";
import { parseConfig } from "../../../src/server/config.ts";
import { startServer } from "../../../src/server/server.ts";
import { Client, eventually, joined, useServer } from "../harness.ts";
import { rawConnect } from "../raw-socket.ts";

describe("a seat held for a resume", () => {
  const server = useServer({ RESUME_GRACE_SECONDS: "5" });

  test("relays to it get peer-unreachable naming the peer; its return is announced with peer-resumed", async () => {
    const a = await joined(server.wsUrl, "held-1");
    const raw = await rawConnect(server.port);
    raw.sendText(JSON.stringify({ type: "join", room: "held-1" }));
    const { peer } = await a.client.next("peer-joined");
    const text = await eventually(() => raw.data().includes("}") && raw.data(), "the raw socket's answer");
    const answer = JSON.parse(text.slice(text.indexOf("{")));
    // Gone without a close frame: the seat waits for a resume.
    raw.destroy();
    await raw.closed;
    const offer = { type: "description", to: peer, link: 0, description: { type: "offer", sdp: "v=0" } };
    // The server learns of the drop a moment after the TCP connection ends.
    const refusal = await eventually(async () => {
      a.client.send(offer);
      const m = await a.client.next();
      return m.type === "error" && m;
    }, "a refused relay");
    expect(refusal).toMatchObject({ code: "peer-unreachable", peer });
    expect(refusal.message).toContain("description");
    // A message to the whole room is refused for that peer too.
    a.client.send({ type: "candidate", candidate: null });
    expect(await a.client.next("error")).toMatchObject({ code: "peer-unreachable", peer });

    const back = await Client.connect(server.wsUrl);
    back.send({ type: "join", room: "held-1", resume: answer.resume });
    expect(await back.next("joined")).toMatchObject({ id: peer, resumed: true, peers: [a.id] });
    expect(await a.client.next("peer-resumed")).toEqual({ type: "peer-resumed", peer });
    // Sent again, it arrives, generation and all.
    a.client.send(offer);
    expect(await back.next("description")).toEqual({ from: a.id, ...offer } as never);
    a.client.close();
    back.close();
  });

  test("link generations are relayed on descriptions and candidates; bad ones are refused", async () => {
    const a = await joined(server.wsUrl, "gen-1");
    const b = await joined(server.wsUrl, "gen-1");
    await a.client.next("peer-joined");
    const candidate = { candidate: "candidate:1 1 udp 1 192.0.2.1 9 typ host", sdpMid: "0", sdpMLineIndex: 0 };
    a.client.send({ type: "candidate", to: b.id, link: 7, candidate });
    expect(await b.client.next("candidate")).toEqual({ type: "candidate", from: a.id, to: b.id, link: 7, candidate });
    for (const link of [-1, 1.5, "1", 2 ** 31]) {
      a.client.send({ type: "description", to: b.id, link, description: { type: "offer", sdp: "v=0" } });
      expect(await a.client.next("error")).toMatchObject({ code: "bad-message", message: expect.stringContaining("link") });
    }
    // Not on app messages: they are the application's own.
    a.client.send({ type: "app", link: 1, payload: 1 });
    expect(await a.client.next("error")).toMatchObject({ code: "bad-message" });
    await b.client.expectQuiet();
    a.client.close();
    b.client.close();
  });
});

describe("a rooms backend that fails a join", () => {
  test("the joiner gets a retryable unavailable error and the socket stays usable", async () => {
    const config = parseConfig({ PORT: "0", LOG_LEVEL: "silent" });
    const memory = createMemoryRegistry({ capacity: 2, maxRooms: 100 });
    let failures = 1;
    const flaky: RoomRegistry = {
      ...memory,
      capacity: memory.capacity,
      async join(room, id, node, profile) {
        if (failures-- > 0) throw new Error("backend unreachable");
        return memory.join(room, id, node, profile);
      },
    };
    const server = await startServer(config, { rooms: createRoomHub(flaky, loneNode(), createLogger("silent")) });
    try {
      const c = await Client.connect(server.url.replace(/^http/, "ws") + "/ws");
      c.send({ type: "join", room: "flaky" });
      const err = await c.next("error");
      expect(err).toMatchObject({ code: "unavailable", message: expect.stringContaining("try again") });
      // Not wedged: other messages are handled, and the join can be tried again.
      c.send({ type: "leave" });
      expect(await c.next("error")).toMatchObject({ code: "not-joined", message: "Not in a room." });
      c.send({ type: "join", room: "flaky" });
      expect(await c.next("created")).toMatchObject({ room: "flaky" });
      c.close();
    } finally {
      await server.shutdown();
    }
  });
});
