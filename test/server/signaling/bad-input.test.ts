import { describe, expect, test } from "bun:test";
import type { ErrorCode } from "../../../src/shared/protocol.ts";
import { Client, eventually, joined, pair, useServer } from "../harness.ts";
import { rawConnect } from "../raw-socket.ts";

describe("bad input gets a clear error and the socket stays usable", () => {
  const server = useServer({ RESUME_GRACE_SECONDS: "1" });

  const cases: [string, unknown, ErrorCode][] = [
    ["malformed JSON", "{\"type\": \"join\",", "bad-json"],
    ["not an object", "[1,2,3]", "unknown-type"],
    ["unknown type", { type: "dance" }, "unknown-type"],
    ["no type", { room: "x" }, "unknown-type"],
    ["wrong field type", { type: "join", room: 42 }, "bad-message"],
    ["room name with a space", { type: "join", room: "my room" }, "bad-message"],
    ["room name with markup", { type: "join", room: "<script>alert(1)</script>" }, "bad-message"],
    ["room name too long", { type: "join", room: "r".repeat(65) }, "bad-message"],
    ["empty room name", { type: "join", room: "" }, "bad-message"],
    ["bad description type", { type: "description", description: { type: "hello", sdp: "" } }, "bad-message"],
    ["signal before joining", { type: "description", description: { type: "offer", sdp: "v=0" } }, "not-joined"],
    ["candidate before joining", { type: "candidate", candidate: null }, "not-joined"],
    ["leave before joining", { type: "leave" }, "not-joined"],
  ];

  for (const [name, frame, code] of cases) {
    test(name, async () => {
      const c = await Client.connect(server.wsUrl);
      c.send(frame);
      const err = await c.next("error");
      expect(err.code).toBe(code);
      expect(err.message.length).toBeGreaterThan(10);
      c.send({ type: "join", room: `after-${code}` });
      expect((await c.next()).type).toMatch(/^(created|joined)$/);
      c.close();
    });
  }

  test("join while joined", async () => {
    const a = await joined(server.wsUrl, "twice");
    a.client.send({ type: "join", room: "twice-other" });
    const err = await a.client.next("error");
    expect(err.code).toBe("already-joined");
    a.client.send({ type: "ping" });
    await a.client.next("pong");
    a.client.close();
  });

  test("a target peer not in the room", async () => {
    const { a, b } = await pair(server.wsUrl, "target-1");
    const other = await joined(server.wsUrl, "target-2");
    a.client.send({ type: "app", to: other.id, payload: "psst" });
    expect((await a.client.next("error")).code).toBe("no-such-peer");
    a.client.send({ type: "app", to: a.id, payload: "myself" });
    expect((await a.client.next("error")).code).toBe("no-such-peer");
    await other.client.expectQuiet();
    await b.client.expectQuiet();
    a.client.send({ type: "app", to: b.id, payload: "ok" });
    expect((await b.client.next("app")).payload).toBe("ok");
    for (const x of [a, b, other]) x.client.close();
  });

  test("a binary frame is refused with its own code", async () => {
    const { a, b } = await pair(server.wsUrl, "binary");
    a.client.ws.send(new Uint8Array([1, 2, 3]));
    expect((await a.client.next("error")).code).toBe("binary-unsupported");
    await b.client.expectQuiet();
    a.client.send({ type: "app", payload: 1 });
    expect((await b.client.next("app")).payload).toBe(1);
    a.client.close();
    b.client.close();
  });

  test("a frame above the size limit closes with 1009; the room is told", async () => {
    const { a, b } = await pair(server.wsUrl, "oversize");
    a.client.send({ type: "app", payload: "x".repeat(64 * 1024) });
    expect((await a.client.closed()).code).toBe(1009);
    // A protocol error, not a drop: the seat is not held for a resume.
    expect((await b.client.next("peer-left", 500)).peer).toBe(a.id);
    b.client.close();
  });

  test("a payload nested too deep to handle fails alone", async () => {
    const { a, b } = await pair(server.wsUrl, "deep");
    a.client.send(`{"type":"app","payload":${"[".repeat(20000)}${"]".repeat(20000)}}`);
    const err = await a.client.next("error");
    expect(err.code).toBe("bad-message");
    expect(err.message).toContain("deeper than 32");
    a.client.send({ type: "app", payload: JSON.parse("[".repeat(32) + "]".repeat(32)) });
    expect((await b.client.next("app")).payload).toBeArray();
    a.client.send({ type: "app", payload: "still here" });
    expect((await b.client.next("app")).payload).toBe("still here");
    a.client.close();
    b.client.close();
  });

  test("__proto__ and constructor keys neither pollute nor pass through", async () => {
    const { a, b } = await pair(server.wsUrl, "proto");
    a.client.send('{"type":"description","__proto__":{"polluted":1},"constructor":{"x":1},"description":{"type":"offer","sdp":"v=0"}}');
    expect(await a.client.next("error")).toMatchObject({ code: "bad-message", message: expect.stringContaining("__proto__") });
    a.client.send('{"type":"description","description":{"type":"offer","sdp":"v=0","__proto__":{"y":2}}}');
    expect(await a.client.next("error")).toMatchObject({ code: "bad-message" });
    await b.client.expectQuiet();
    // Inside an opaque payload the same keys are data: relayed as the sender wrote them.
    a.client.send('{"type":"app","payload":{"__proto__":{"polluted":1},"constructor":{"prototype":{"x":1}}}}');
    const relayed = (await b.client.next("app")).payload as Record<string, unknown>;
    expect(Object.keys(relayed)).toEqual(["__proto__", "constructor"]);
    expect(Object.hasOwn(relayed, "__proto__")).toBe(true);
    expect(relayed.polluted).toBeUndefined();
    // The socket is still usable.
    a.client.send({ type: "description", description: { type: "offer", sdp: "v=0" } });
    expect(await b.client.next("description")).toEqual({ type: "description", from: a.id, description: { type: "offer", sdp: "v=0" } });
    a.client.close();
    b.client.close();
  });
});

describe("rate limit", () => {
  const server = useServer({ RATE_LIMIT_PER_SECOND: "20", RATE_LIMIT_BURST: "40", FLOOD_BAN_SECONDS: "1" });

  test("a flooder is told, then closed with 1008, while a neighbouring room goes on untouched", async () => {
    const flood = await pair(server.wsUrl, "flooded");
    const calm = await pair(server.wsUrl, "calm");
    let floodDone = false;
    const flooding = (async () => {
      // Bounded: at most 20,000 frames, stopping when the socket is closed.
      for (let i = 0; i < 20_000 && !flood.a.client.closeEvent; i++) {
        flood.a.client.send({ type: "app", payload: i });
        if (i % 200 === 0) await Bun.sleep(1);
      }
      floodDone = true;
    })();
    // The calm pair ping-pongs within its own limit while the flood runs.
    for (let i = 0; i < 15; i++) {
      calm.a.client.send({ type: "app", payload: { i } });
      expect((await calm.b.client.next("app")).payload).toEqual({ i });
      calm.b.client.send({ type: "app", payload: { i } });
      expect((await calm.a.client.next("app")).payload).toEqual({ i });
      await Bun.sleep(20);
    }
    await flooding;
    expect(floodDone).toBe(true);
    const errs = flood.a.client.received.filter((m) => m.type === "error");
    expect(errs.length).toBeGreaterThanOrEqual(1);
    expect(errs.every((e) => e.type === "error" && e.code === "rate-limited")).toBe(true);
    expect((await flood.a.client.closed()).code).toBe(1008);
    // The flooder's peer got at most what the bucket let through, then the leave.
    const got = flood.b.client.received.filter((m) => m.type === "app").length;
    expect(got).toBeGreaterThanOrEqual(35);
    expect(got).toBeLessThan(200);
    expect(flood.b.client.received.at(-1)).toMatchObject({ type: "peer-left", peer: flood.a.id });
    await calm.a.client.expectQuiet();
    // The flooder's address may not come straight back for a fresh burst...
    const refused = await fetch(`${server.url}/ws`, { headers: { upgrade: "websocket", connection: "Upgrade", "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==", "sec-websocket-version": "13" } });
    expect(refused.status).toBe(429);
    expect(await refused.text()).toContain("flooded");
    // ...while sockets it already had go on, and after the ban it may connect again.
    calm.a.client.send({ type: "app", payload: "still" });
    expect((await calm.b.client.next("app")).payload).toBe("still");
    const back = await eventually(() => Client.connect(server.wsUrl).catch(() => null), "a connection once the ban is over", 5000);
    back.close();
    for (const x of [flood.b, calm.a, calm.b]) x.client.close();
  }, 30_000);

  test("WebSocket ping frames count too: a client that floods them is closed with 1008", async () => {
    const raw = await rawConnect(server.port);
    for (let i = 0; i < 1000; i++) raw.sendFrame(0x9, Buffer.from("p"));
    await raw.until(() => raw.closeCode() !== null, 3000);
    expect(raw.closeCode()).toBe(1008);
    expect(raw.data()).toContain('"rate-limited"');
    raw.destroy();
    // The address was banned for a second: wait it out for the tests after this one.
    const deadline = Date.now() + 3000;
    for (;;) {
      const c = await Client.connect(server.wsUrl).catch(() => null);
      if (c) {
        c.close();
        break;
      }
      if (Date.now() > deadline) throw new Error("still banned after 3 s");
      await Bun.sleep(100);
    }
  });

  test("a client briefly over the limit is told but not closed", async () => {
    const { a, b } = await pair(server.wsUrl, "bursty");
    for (let i = 0; i < 60; i++) a.client.send({ type: "app", payload: i });
    // The bucket refills (20 a second) while nothing is sent; then one more frame goes through.
    await Bun.sleep(1000);
    a.client.send({ type: "app", payload: "later" });
    // Frames of one sender arrive in order: once "later" is there, everything before it is too.
    await eventually(() => b.client.received.some((m) => m.type === "app" && m.payload === "later"), "the frame sent after the refill");
    const apps = b.client.received.filter((m) => m.type === "app").map((m) => m.type === "app" && m.payload);
    expect(apps.at(-1)).toBe("later");
    // The burst (40, less the join) and what refilled while sending went through, in order; the rest were dropped.
    expect(apps.length - 1).toBeGreaterThanOrEqual(35);
    expect(apps.length - 1).toBeLessThan(60);
    expect(apps.slice(0, -1)).toEqual([...Array(apps.length - 1).keys()]);
    const errors = a.client.received.filter((m) => m.type === "error").map((m) => m.type === "error" && m.code);
    expect(errors).toEqual(["rate-limited"]);
    expect(a.client.closeEvent).toBeNull();
    a.client.close();
    b.client.close();
  });
});

describe("byte budgets", () => {
  const server = useServer({
    RATE_LIMIT_BYTES_PER_SECOND: "1024",
    RATE_LIMIT_BYTES_BURST: "20000",
    ADDRESS_RATE_LIMIT_BYTES_PER_SECOND: "1024",
    ADDRESS_RATE_LIMIT_BYTES_BURST: "30000",
  });
  // 10,080 bytes of work: 10,000 of text, and 5 values and keys at 16 each.
  const frame = JSON.stringify({ type: "app", payload: "x".repeat(10_000 - 27) });

  test("a connection, and an address over all its connections, may only spend so much; other addresses go on", async () => {
    expect(frame.length).toBe(10_000);
    const a = await Client.connect(server.wsUrl);
    // Within the budgets a frame is handled (here: refused for not being in a room)...
    for (let i = 0; i < 2; i++) {
      a.send(frame);
      expect((await a.next("error")).code).toBe("not-joined");
    }
    // ...past the connection's, it is dropped.
    a.send(frame);
    expect(await a.next("error")).toMatchObject({ code: "rate-limited", message: expect.stringContaining("on this connection") });
    // Another socket of the same address has a budget of its own, but shares the address's.
    const b = await Client.connect(server.wsUrl);
    b.send(frame);
    expect((await b.next("error")).code).toBe("not-joined");
    b.send(frame);
    expect(await b.next("error")).toMatchObject({ code: "rate-limited", message: expect.stringContaining("from your address") });
    // Small frames wait out the debt too: nothing is handled until the budget is above zero.
    b.send({ type: "ping" });
    await b.expectQuiet(100);
    // Another address is not held back.
    const other = await rawConnect(server.port, { localAddress: "127.0.0.2" });
    other.sendText(frame);
    await other.until((d) => d.includes('"not-joined"'));
    other.destroy();
    a.close();
    b.close();
  });
});

describe("rooms per process", () => {
  const server = useServer({ MAX_ROOMS: "2" });

  test("a join that would open a room past the limit gets room-limit; existing rooms still take peers", async () => {
    const a = await joined(server.wsUrl, "limit-1");
    const b = await joined(server.wsUrl, "limit-2");
    const c = await Client.connect(server.wsUrl);
    c.send({ type: "join", room: "limit-3" });
    const err = await c.next("error");
    expect(err.code).toBe("room-limit");
    c.send({ type: "join", room: "limit-1" });
    expect((await c.next("joined")).peers).toEqual([a.id]);
    a.client.close();
    await b.client.expectQuiet(50);
    b.client.close();
    c.close();
  });
});

describe("an operator's narrower room names", () => {
  const server = useServer({ ROOM_NAME_MAX_LENGTH: "8", ROOM_NAME_CHARSET: "a-z0-9-" });

  test("joins, pages and fragments refuse names outside the narrower rule, saying why", async () => {
    const c = await Client.connect(server.wsUrl);
    for (const [room, why] of [["longer-than-8", "longer than 8"], ["Upper", "only hold these characters: a-z0-9-"]] as const) {
      c.send({ type: "join", room });
      const err = await c.next("error");
      expect(err.code).toBe("room-name");
      expect(err.message).toContain(why);
      const page = await fetch(`${server.url}/room/${room}`);
      expect(page.status).toBe(400);
      expect(await page.text()).toContain("1 to 8 characters: any of a-z0-9-");
      expect((await fetch(`${server.url}/rooms/${room}/occupancy`)).status).toBe(400);
    }
    c.send({ type: "join", room: "ok-room" });
    await c.next("created");
    c.close();
  });
});
