import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Client, joined, pair, startTestServer, useServer } from "./harness.ts";
import { rawConnect } from "./raw-socket.ts";

describe("rooms", () => {
  const server = useServer();

  test("first peer creates, second joins, first is told", async () => {
    const a = await joined(server.wsUrl, "lobby-1");
    expect(a.answer.type).toBe("created");
    expect(a.answer).toMatchObject({ room: "lobby-1", capacity: 2 });
    const b = await joined(server.wsUrl, "lobby-1");
    expect(b.answer.type).toBe("joined");
    expect(b.answer.type === "joined" && b.answer.peers).toEqual([a.id]);
    expect(b.id).not.toBe(a.id);
    expect(await a.client.next("peer-joined")).toEqual({ type: "peer-joined", peer: b.id });
    a.client.close();
    b.client.close();
  });

  test("a third peer is told the room is full and is not added", async () => {
    const { a, b } = await pair(server.wsUrl, "lobby-2");
    const c = await Client.connect(server.wsUrl);
    c.send({ type: "join", room: "lobby-2" });
    expect(await c.next("full")).toEqual({ type: "full", room: "lobby-2", capacity: 2 });
    await a.client.expectQuiet();
    await b.client.expectQuiet();
    // Not added: a signal from it is refused, and it may try another room.
    c.send({ type: "app", payload: 1 });
    expect((await c.next("error")).code).toBe("not-joined");
    c.send({ type: "join", room: "lobby-2b" });
    await c.next("created");
    for (const x of [a.client, b.client, c]) x.close();
  });

  test("leaving tells the others; an empty room is freed at once", async () => {
    const { a, b } = await pair(server.wsUrl, "lobby-3");
    b.client.send({ type: "leave" });
    expect(await b.client.next("left")).toEqual({ type: "left", room: "lobby-3" });
    expect(await a.client.next("peer-left")).toEqual({ type: "peer-left", peer: b.id, reason: "left" });
    a.client.send({ type: "leave" });
    await a.client.next("left");
    const c = await joined(server.wsUrl, "lobby-3");
    expect(c.answer.type).toBe("created");
    for (const x of [a.client, b.client, c.client]) x.close();
  });

  test("leave, then join another room on the same socket, then come back", async () => {
    const { a, b } = await pair(server.wsUrl, "lobby-4");
    a.client.send({ type: "leave" });
    await a.client.next("left");
    a.client.send({ type: "join", room: "lobby-4-other" });
    const created = await a.client.next("created");
    expect(created.room).toBe("lobby-4-other");
    a.client.send({ type: "leave" });
    await a.client.next("left");
    a.client.send({ type: "join", room: "lobby-4" });
    const back = await a.client.next("joined");
    expect(back.peers).toEqual([b.id]);
    await b.client.next("peer-left");
    expect((await b.client.next("peer-joined")).peer).toBe(back.id);
    a.client.close();
    b.client.close();
  });

  test("a socket closed abruptly (no close frame) frees its seat", async () => {
    const a = await joined(server.wsUrl, "lobby-5");
    const raw = await rawConnect(server.port);
    raw.sendText(JSON.stringify({ type: "join", room: "lobby-5" }));
    const pj = await a.client.next("peer-joined");
    raw.destroy();
    expect(await a.client.next("peer-left")).toEqual({ type: "peer-left", peer: pj.peer, reason: "closed" });
    const c = await joined(server.wsUrl, "lobby-5");
    expect(c.answer.type).toBe("joined");
    a.client.close();
    c.client.close();
  });

  test("a clean close frees the seat too", async () => {
    const { a, b } = await pair(server.wsUrl, "lobby-6");
    b.client.close();
    expect(await a.client.next("peer-left")).toEqual({ type: "peer-left", peer: b.id, reason: "closed" });
    a.client.close();
  });
});

describe("capacity 3", () => {
  const server = useServer({ ROOM_CAPACITY: "3" });

  test("three peers meet, the fourth is refused", async () => {
    const a = await joined(server.wsUrl, "trio");
    const b = await joined(server.wsUrl, "trio");
    const c = await joined(server.wsUrl, "trio");
    expect(a.answer).toMatchObject({ type: "created", capacity: 3 });
    expect(c.answer.type === "joined" && c.answer.peers).toEqual([a.id, b.id]);
    expect((await a.client.next("peer-joined")).peer).toBe(b.id);
    expect((await a.client.next("peer-joined")).peer).toBe(c.id);
    expect((await b.client.next("peer-joined")).peer).toBe(c.id);
    const d = await Client.connect(server.wsUrl);
    d.send({ type: "join", room: "trio" });
    expect(await d.next("full")).toEqual({ type: "full", room: "trio", capacity: 3 });
    b.client.close();
    expect((await a.client.next("peer-left")).peer).toBe(b.id);
    expect((await c.client.next("peer-left")).peer).toBe(b.id);
    d.send({ type: "join", room: "trio" });
    expect((await d.next("joined")).peers).toEqual([a.id, c.id]);
    for (const x of [a.client, c.client, d]) x.close();
  });
});

describe("heartbeat", () => {
  // Bun rounds idle timeouts below 8 s up to 8 s.
  const server = useServer({ HEARTBEAT_SECONDS: "8" });

  test("a peer that stops answering pings is dropped and its room told", async () => {
    const a = await joined(server.wsUrl, "quiet");
    const raw = await rawConnect(server.port); // answers no ping
    raw.sendText(JSON.stringify({ type: "join", room: "quiet" }));
    const pj = await a.client.next("peer-joined");
    const started = Date.now();
    // `a` answers pings (its client does so by itself) and so stays.
    const left = await a.client.next("peer-left", 20_000);
    expect(left).toEqual({ type: "peer-left", peer: pj.peer, reason: "timeout" });
    expect(Date.now() - started).toBeLessThan(20_000);
    await raw.closed;
    expect(a.client.closeEvent).toBeNull();
    a.client.close();
  }, 30_000);
});
