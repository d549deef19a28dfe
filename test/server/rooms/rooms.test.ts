import { describe, expect, test } from "bun:test";
import { Client, eventually, joined, pair, useServer } from "../harness.ts";
import { type RawSocket, rawConnect } from "../raw-socket.ts";

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

  test("a clean close frees the seat too", async () => {
    const { a, b } = await pair(server.wsUrl, "lobby-6");
    b.client.close();
    expect(await a.client.next("peer-left")).toEqual({ type: "peer-left", peer: b.id, reason: "closed" });
    a.client.close();
  });
});

describe("dropped sockets and resuming", () => {
  const server = useServer({ RESUME_GRACE_SECONDS: "1" });

  test("a socket dropped without a close frame keeps its seat for the grace period, then frees it", async () => {
    const a = await joined(server.wsUrl, "drop-1");
    const raw = await rawConnect(server.port);
    raw.sendText(JSON.stringify({ type: "join", room: "drop-1" }));
    const pj = await a.client.next("peer-joined");
    const dropped = Date.now();
    raw.destroy();
    await a.client.expectQuiet(500);
    expect(await a.client.next("peer-left", 3000)).toEqual({ type: "peer-left", peer: pj.peer, reason: "closed" });
    expect(Date.now() - dropped).toBeGreaterThanOrEqual(900);
    const c = await joined(server.wsUrl, "drop-1");
    expect(c.answer.type).toBe("joined");
    a.client.close();
    c.client.close();
  });

  test("a dropped peer resumes its own seat and id; the others are not disturbed", async () => {
    const a = await joined(server.wsUrl, "drop-2");
    const raw = await rawConnect(server.port);
    raw.sendText(JSON.stringify({ type: "join", room: "drop-2" }));
    const pj = await a.client.next("peer-joined");
    const text = await eventually(() => raw.data().includes("}") && raw.data(), "the raw socket's joined answer");
    const answer = JSON.parse(text.slice(text.indexOf("{")));
    expect(answer).toMatchObject({ type: "joined", id: pj.peer, resumed: false });
    raw.destroy();
    const back = await Client.connect(server.wsUrl);
    back.send({ type: "join", room: "drop-2", resume: answer.resume });
    const again = await back.next("joined");
    expect(again).toMatchObject({ id: pj.peer, peers: [a.id], resumed: true });
    // The same peer is back: the others hear it resumed (no peer-left, no second peer-joined).
    expect(await a.client.next("peer-resumed")).toEqual({ type: "peer-resumed", peer: pj.peer });
    await a.client.expectQuiet(1500);
    back.send({ type: "app", payload: "back" });
    expect(await a.client.next("app")).toEqual({ type: "app", from: pj.peer, payload: "back" });
    // The token given at the resume claims the same seat in its turn.
    back.ws.close();
    await back.closed();
    await a.client.next("peer-left");
    const third = await Client.connect(server.wsUrl);
    third.send({ type: "join", room: "drop-2", resume: again.resume });
    expect(await third.next("joined")).toMatchObject({ id: pj.peer, peers: [a.id], resumed: true });
    a.client.close();
    third.close();
  });

  test("a resume evicts the peer's own ghost, so the room is never full of it", async () => {
    const a = await joined(server.wsUrl, "drop-3");
    const b = await joined(server.wsUrl, "drop-3");
    await a.client.next("peer-joined");
    // b's old socket is still open (the server has not noticed anything) when b comes back.
    const b2 = await Client.connect(server.wsUrl);
    b2.send({ type: "join", room: "drop-3", resume: b.answer.resume });
    expect(await b2.next("joined")).toMatchObject({ id: b.id, peers: [a.id], resumed: true });
    expect((await b.client.closed()).code).toBe(4001);
    expect(await a.client.next("peer-resumed")).toEqual({ type: "peer-resumed", peer: b.id });
    await a.client.expectQuiet(300);
    a.client.send({ type: "app", payload: "hi" });
    expect((await b2.next("app")).payload).toBe("hi");
    a.client.close();
    b2.close();
  });

  test("tokens for another room, forged or garbled ones give a fresh seat", async () => {
    const a = await joined(server.wsUrl, "drop-4");
    const forged = a.answer.resume.slice(0, -2) + (a.answer.resume.endsWith("AA") ? "BB" : "AA");
    const other = a.answer.resume.replace("drop-4", "drop-5");
    for (const [room, resume] of [["drop-5", a.answer.resume], ["drop-4", forged], ["drop-5", other], ["drop-4", "x".repeat(40)]] as const) {
      const c = await Client.connect(server.wsUrl);
      c.send({ type: "join", room, resume });
      const m = await c.next();
      expect(m).toMatchObject({ resumed: false });
      expect(m.type === "created" || m.type === "joined").toBe(true);
      if (m.type === "created" || m.type === "joined") expect(m.id).not.toBe(a.id);
      c.close();
      await c.closed();
    }
    a.client.close();
  });
});

describe("protocol errors", () => {
  const server = useServer({ RESUME_GRACE_SECONDS: "10", MAX_MESSAGE_BYTES: "1024" });

  const cases: [string, number, (raw: RawSocket) => void][] = [
    ["an unmasked frame", 1002, (raw) => raw.sendFrame(0x1, Buffer.from('{"type":"ping"}'), { masked: false })],
    ["invalid UTF-8", 1007, (raw) => raw.sendFrame(0x1, Buffer.from([0x22, 0xff, 0xfe, 0x22]))],
    ["a frame above the size limit", 1009, (raw) => raw.sendText("x".repeat(2000))],
  ];
  for (const [name, code, offend] of cases) {
    test(`${name} closes the socket with ${code} and frees its seat at once`, async () => {
      const a = await joined(server.wsUrl, `protocol-${name.length}`);
      const raw = await rawConnect(server.port);
      raw.sendText(JSON.stringify({ type: "join", room: `protocol-${name.length}` }));
      const pj = await a.client.next("peer-joined");
      offend(raw);
      // Not held for the 10 s grace: the socket did not just vanish, the server failed it.
      expect(await a.client.next("peer-left", 1000)).toEqual({ type: "peer-left", peer: pj.peer, reason: "closed" });
      await raw.closed;
      expect(raw.closeCode()).toBe(code);
      a.client.close();
    });
  }
});

describe("held seats count against their address", () => {
  const server = useServer({ MAX_CONNECTIONS_PER_ADDRESS: "3", RESUME_GRACE_SECONDS: "2" });

  /** A raw socket that joins a fresh room, is answered, and returns its resume token. */
  const joinRaw = async (room: string) => {
    const raw = await rawConnect(server.port);
    raw.sendText(JSON.stringify({ type: "join", room }));
    await raw.until((d) => d.includes('"created"'));
    return { raw, resume: JSON.parse(raw.data().slice(raw.data().indexOf("{"))).resume as string };
  };
  const upgradeStatus = async () => {
    const res = await fetch(`${server.url}/ws`, { headers: { upgrade: "websocket", connection: "Upgrade", "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==", "sec-websocket-version": "13" } });
    await res.body?.cancel();
    return res.status;
  };
  /**
   * Waits until `n` new sockets are let in at once (then closes them again). The held seats
   * are given up one by one, each its grace after its own drop: on a slow machine the drops
   * are far enough apart that one place comes back well before the last.
   */
  const waitForPlaces = async (n: number, ms: number) => {
    const deadline = Date.now() + ms;
    for (;;) {
      const tries = await Promise.all(Array.from({ length: n }, () => Client.connect(server.wsUrl).catch(() => null)));
      const open = tries.filter((c) => c !== null);
      for (const c of open) c.close();
      await Promise.all(open.map((c) => c.closed()));
      if (open.length === n) return;
      if (Date.now() > deadline) throw new Error(`${open.length} of ${n} places for new sockets within ${ms} ms`);
      await Bun.sleep(50);
    }
  };

  test("dropped sockets keep their address's places while their seats are held; a resume gives one back at once", async () => {
    const held = [];
    for (const room of ["held-1", "held-2", "held-3"]) {
      const h = await joinRaw(room);
      h.raw.destroy();
      await h.raw.closed;
      held.push(h);
    }
    // Three seats held for a resume: the address has no place left for a new socket...
    expect(await upgradeStatus()).toBe(429);
    // ...and once they are given up, it has them all back.
    await waitForPlaces(3, 6000);

    // Two held seats: a third socket resumes one of them, and that seat's place is free again at once.
    const a = await joinRaw("held-4");
    const b = await joinRaw("held-5");
    a.raw.destroy();
    b.raw.destroy();
    await Promise.all([a.raw.closed, b.raw.closed]);
    const back = await Client.connect(server.wsUrl);
    back.send({ type: "join", room: "held-4", resume: a.resume });
    expect(await back.next("joined")).toMatchObject({ room: "held-4", resumed: true });
    // Held: held-5's seat; open: `back`. One place left.
    const extra = await Client.connect(server.wsUrl);
    expect(await upgradeStatus()).toBe(429);
    for (const c of [back, extra]) c.close();
  }, 15_000);
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
  const server = useServer({ HEARTBEAT_SECONDS: "2" });

  test("a peer that stops answering pings is dropped and its room told", async () => {
    const a = await joined(server.wsUrl, "quiet");
    const raw = await rawConnect(server.port); // answers no ping
    raw.sendText(JSON.stringify({ type: "join", room: "quiet" }));
    const pj = await a.client.next("peer-joined");
    const started = Date.now();
    // `a` answers pings (its client does so by itself) and so stays.
    await a.client.expectQuiet(1500);
    const left = await a.client.next("peer-left", 5000);
    expect(left).toEqual({ type: "peer-left", peer: pj.peer, reason: "timeout" });
    // Within the timeout plus one sweep (a third of it).
    expect(Date.now() - started).toBeLessThan(2000 + 700 + 300);
    await raw.closed;
    expect(a.client.closeEvent).toBeNull();
    a.client.close();
  }, 30_000);
});
