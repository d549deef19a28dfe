import { describe, expect, test } from "bun:test";
import { Client, eventually, joined, pair, startTestServer, useServer } from "../harness.ts";
import { SDP_MAX } from "../../../src/shared/protocol.ts";
import { sdpOf } from "../../../bench/load/sdp.ts";
import { busyRooms } from "../rooms/busy-rooms.ts";
import { rawConnect } from "../raw-socket.ts";

const offer = { type: "offer", sdp: "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\n" } as const;
const candidate = { candidate: "candidate:1 1 udp 2122260223 192.0.2.1 54400 typ host", sdpMid: "0", sdpMLineIndex: 0, usernameFragment: "abcd" };

describe("relay", () => {
  const server = useServer({ ROOM_CAPACITY: "3" });

  test("description, candidate, end-of-candidates and app payload reach the other peer, stamped", async () => {
    const { a, b } = await pair(server.wsUrl, "relay-1");
    a.client.send({ type: "description", description: offer });
    expect(await b.client.next("description")).toEqual({ type: "description", from: a.id, description: offer });
    b.client.send({ type: "candidate", to: a.id, candidate });
    // The sender's `to` rides along: the frame is relayed as it came, `from` put in front.
    expect(await a.client.next("candidate")).toEqual({ type: "candidate", from: b.id, to: a.id, candidate });
    b.client.send({ type: "candidate", candidate: null });
    expect(await a.client.next("candidate")).toEqual({ type: "candidate", from: b.id, candidate: null });
    a.client.send({ type: "app", payload: { chat: "hello", n: [1, 2] } });
    expect(await b.client.next("app")).toEqual({ type: "app", from: a.id, payload: { chat: "hello", n: [1, 2] } });
    await a.client.expectQuiet();
    a.client.close();
    b.client.close();
  });

  test("to one peer by id, or to all others of the room", async () => {
    const a = await joined(server.wsUrl, "relay-2");
    const b = await joined(server.wsUrl, "relay-2");
    const c = await joined(server.wsUrl, "relay-2");
    await a.client.next("peer-joined");
    await a.client.next("peer-joined");
    await b.client.next("peer-joined");
    a.client.send({ type: "app", to: c.id, payload: "just c" });
    expect(await c.client.next("app")).toMatchObject({ from: a.id, payload: "just c" });
    await b.client.expectQuiet();
    a.client.send({ type: "app", payload: "everyone" });
    expect(await b.client.next("app")).toMatchObject({ from: a.id, payload: "everyone" });
    expect(await c.client.next("app")).toMatchObject({ from: a.id, payload: "everyone" });
    await a.client.expectQuiet(); // never echoed to the sender
    for (const x of [a, b, c]) x.client.close();
  });

  test("a spoofed sender is ignored: `from` is always the server's", async () => {
    const { a, b } = await pair(server.wsUrl, "relay-3");
    // A `from` of the sender's own is an unknown field: refused, never relayed.
    a.client.send({ type: "app", from: b.id, payload: "spoof" });
    expect(await a.client.next("error")).toMatchObject({ code: "bad-message", message: expect.stringContaining("from") });
    // Also when spelt with an escape, or given twice: JSON.parse reads it as `from` all the same.
    a.client.send(`{"type":"app","\\u0066rom":"${b.id}","payload":"spoof"}`);
    expect(await a.client.next("error")).toMatchObject({ code: "bad-message" });
    a.client.send(`{"type":"app","from":"x","from":"${b.id}","payload":"spoof"}`);
    expect(await a.client.next("error")).toMatchObject({ code: "bad-message" });
    // Other unknown fields too, at any level.
    a.client.send({ type: "description", description: offer, extra: "x" });
    expect(await a.client.next("error")).toMatchObject({ code: "bad-message", message: expect.stringContaining("extra") });
    a.client.send({ type: "description", description: { ...offer, extra: 1 } });
    expect(await a.client.next("error")).toMatchObject({ code: "bad-message" });
    await b.client.expectQuiet();
    // Whitespace around the object is no trouble for the relay.
    a.client.send(`  \n {"type":"app","payload":"ok"} \n`);
    expect(await b.client.next("app")).toEqual({ type: "app", from: a.id, payload: "ok" });
    a.client.close();
    b.client.close();
  });

  test("a repeated key is refused: its earlier copies never reach the room unchecked", async () => {
    const { a, b } = await pair(server.wsUrl, "relay-dup");
    const deep = "[".repeat(5000) + "]".repeat(5000);
    const smuggled: [string, string][] = [
      // JSON.parse keeps the last copy, which is valid; the relay would forward them all.
      // (This one's first copy is refused for its depth before the repeat is reached.)
      [`{"type":"app","payload":${deep},"payload":1}`, "deeper than 32"],
      [`{"type":"candidate","candidate":{"candidate":"${"c".repeat(20_000)}","candidate":""}}`, "appears twice"],
      [`{"type":"description","description":{"type":"evil","type":"offer","sdp":"v=0"}}`, "appears twice"],
      [`{"type":"app","to":"not a peer id!","to":"${b.id}","payload":1}`, "appears twice"],
      [`{"type":"candidate","candidate":{"candidate":"","sdpMLineIndex":-5,"sdpMLineIndex":0}}`, "appears twice"],
      // The same key spelt with an escape, and a repeat deep inside a payload.
      [`{"type":"app","payload":1,"p\\u0061yload":2}`, "appears twice"],
      [`{"type":"app","payload":{"a":[{"x":1,"y":2,"x":3}]}}`, "appears twice"],
    ];
    for (const [frame, why] of smuggled) {
      a.client.send(frame);
      const err = await a.client.next("error");
      expect(err.code).toBe("bad-message");
      expect(err.message).toContain(why);
    }
    await b.client.expectQuiet();
    // Keys that only look alike, and the same key in different objects, are fine.
    a.client.send(`{"type":"app","payload":{"a":{"k":1},"b":{"k":2},"K":3,"k ":4,"k":5}}`);
    expect((await b.client.next("app")).payload).toEqual({ a: { k: 1 }, b: { k: 2 }, K: 3, "k ": 4, k: 5 });
    a.client.close();
    b.client.close();
  });

  test("frames with long strings (an SDP, a payload's data) go out as they came; a bad one is refused as before", async () => {
    const { a, b } = await pair(server.wsUrl, "relay-long");
    const raw: string[] = [];
    b.client.ws.addEventListener("message", (e) => raw.push(String(e.data)));
    const sdp = sdpOf(3000);
    const sent = [
      JSON.stringify({ type: "description", to: b.id, link: 1, description: { type: "offer", sdp } }),
      // Spelt as a client may: escapes JSON.stringify would not write, spaces, non-ASCII.
      `{ "type" : "app", "payload" : ["\u00e9\\u00e9\\/${"x".repeat(600)}\\ud83d\\ude00", {"k":"${"y".repeat(700)}\\t"}] }`,
      // A client's own U+0000 beside a long string: read the exact way, relayed all the same.
      JSON.stringify({ type: "app", payload: { a: "\u0000", b: "z".repeat(900) } }),
    ];
    for (const frame of sent) {
      a.client.send(frame);
      await eventually(() => raw.length === sent.indexOf(frame) + 1, "the frame relayed");
      expect(raw.at(-1)).toBe(`{"from":"${a.id}",${frame.slice(frame.indexOf("{") + 1)}`);
    }
    expect((await b.client.next("description")).description.sdp).toBe(sdp);
    expect((await b.client.next("app")).payload).toEqual(JSON.parse(sent[1]!).payload);
    expect((await b.client.next("app")).payload).toEqual({ a: "\u0000", b: "z".repeat(900) });
    const refused: [string, string][] = [
      [`{"type":"description","description":{"type":"offer","sdp":"${"v".repeat(600)}\\x"}}`, "bad-json"],
      [`{"type":"description","description":{"type":"offer","sdp":"${"v".repeat(600)}\u0001"}}`, "bad-json"],
      [`{"type":"description","to":"not a peer!","description":{"type":"offer","sdp":"${"v".repeat(600)}"}}`, "bad-message"],
      [`{"type":"description","description":{"type":"offer","sdp":"${"v".repeat(600)}","sdp":"v"}}`, "bad-message"],
      [`{"type":"app","payload":"${"p".repeat(600)}","extra":1}`, "bad-message"],
    ];
    for (const [frame, code] of refused) {
      a.client.send(frame);
      expect(await a.client.next("error")).toMatchObject({ code });
    }
    await b.client.expectQuiet();
    expect(raw).toHaveLength(sent.length);
    a.client.close();
    b.client.close();
  });

  test("an SDP past the protocol's bound is refused, also where the frame limit would take it", async () => {
    const big = await startTestServer({ MAX_MESSAGE_BYTES: String(4 * SDP_MAX) });
    try {
      const { a, b } = await pair(big.wsUrl, "relay-sdp-max");
      const frame = (sdp: string) => JSON.stringify({ type: "description", description: { type: "offer", sdp } });
      a.client.send(frame("s".repeat(SDP_MAX + 1)));
      expect(await a.client.next("error")).toMatchObject({ code: "bad-message", message: expect.stringContaining("description.sdp") });
      // Longer as text than the bound, within it once its escapes are read: taken.
      a.client.send(frame("\r\n".repeat(SDP_MAX / 2)));
      expect((await b.client.next("description")).description.sdp).toHaveLength(SDP_MAX);
      a.client.send(frame("\r\n".repeat(SDP_MAX / 2) + "x"));
      expect(await a.client.next("error")).toMatchObject({ code: "bad-message" });
      await b.client.expectQuiet();
      a.client.close();
      b.client.close();
    } finally {
      big.shutdown();
    }
  });

  test("nothing crosses rooms: 1,000 busy rooms", async () => {
    const big = await startTestServer({ MAX_CONNECTIONS_PER_ADDRESS: "5000", RATE_LIMIT_PER_SECOND: "1000" });
    try {
      await busyRooms(big.wsUrl, big.wsUrl);
    } finally {
      await big.shutdown();
    }
  }, 60_000);
});

describe("send queues", () => {
  // Byte budgets out of the way: the burst is under the message rate limit and reaches the relay.
  const unlimited = "1000000000";
  const server = useServer({
    ROOM_CAPACITY: "3",
    RATE_LIMIT_BYTES_PER_SECOND: unlimited,
    RATE_LIMIT_BYTES_BURST: unlimited,
    ADDRESS_RATE_LIMIT_BYTES_PER_SECOND: unlimited,
    ADDRESS_RATE_LIMIT_BYTES_BURST: unlimited,
  });

  test("a room-mate's burst cannot get a peer that reads disconnected: its excess is dropped, with an error to it", async () => {
    const victim = await rawConnect(server.port);
    victim.sendText(JSON.stringify({ type: "join", room: "queues" }));
    await victim.until((d) => d.includes('"created"'));
    const victimId = JSON.parse(victim.data().slice(victim.data().indexOf("{"))).id as string;
    const attacker = await joined(server.wsUrl, "queues");
    const friend = await joined(server.wsUrl, "queues");
    // The victim stops reading for a moment (a busy page, a slow link)...
    victim.pause();
    const FRAMES = 190;
    const big = "x".repeat(60_000);
    for (let i = 0; i < FRAMES; i++) attacker.client.send({ type: "app", to: victimId, payload: big });
    // ...while the attacker's burst comes in; the friend's message waits behind it.
    await attacker.client.next("peer-joined");
    const busy = await attacker.client.next("error", 10_000);
    expect(busy.code).toBe("peer-busy");
    friend.client.send({ type: "app", to: victimId, payload: "from a friend" });
    await Bun.sleep(200);
    victim.resume();
    // The victim reads on: it is still connected, and gets what was queued for it, the friend's message too.
    await victim.until((d) => d.includes('"from a friend"'), 10_000);
    victim.sendText('{"type":"ping"}');
    await victim.until((d) => d.includes('{"type":"pong"}'), 5000);
    const delivered = victim.data().split(`"from":"${attacker.id}"`).length - 1;
    const dropped = attacker.client.received.filter((m) => m.type === "error" && m.code === "peer-busy").length;
    expect(delivered + dropped).toBe(FRAMES);
    expect(delivered).toBeGreaterThan(0);
    expect(friend.client.received.filter((m) => m.type === "error")).toEqual([]);
    victim.destroy();
    attacker.client.close();
    friend.client.close();
  }, 30_000);
});

describe("every server message kind matches the protocol schema", () => {
  const server = useServer();

  test("created, joined, full, peer-joined, peer-resumed, peer-left, left, description, candidate, app, pong, ice, error", async () => {
    const { a, b: first } = await pair(server.wsUrl, "schema");
    const c = await Client.connect(server.wsUrl);
    c.send({ type: "join", room: "schema" });
    await c.next("full");
    // b goes on from a new socket: a hears it resumed.
    const b = await Client.connect(server.wsUrl);
    b.send({ type: "join", room: "schema", resume: first.answer.resume });
    await b.next("joined");
    await a.client.next("peer-resumed");
    a.client.send({ type: "description", link: 1, description: offer });
    a.client.send({ type: "candidate", link: 1, candidate });
    a.client.send({ type: "app", payload: null });
    a.client.send({ type: "ping" });
    a.client.send({ type: "ice-refresh" });
    a.client.send("{nope");
    b.send({ type: "leave" });
    await b.next("description");
    await b.next("candidate");
    await b.next("app");
    await b.next("left");
    await a.client.next("pong");
    await a.client.next("ice");
    await a.client.next("error");
    await a.client.next("peer-left");
    // The harness parses every frame with ServerMessage and records failures.
    const all = [a.client, first.client, b, c];
    expect(all.flatMap((x) => x.invalid)).toEqual([]);
    // The browser's own check takes every one of them too.
    const { checkServerMessage } = await import("../../../src/shared/server-message-check.ts");
    for (const m of all.flatMap((x) => x.received)) expect(checkServerMessage(m)).toEqual(m);
    const seen = new Set(all.flatMap((x) => x.received.map((m) => m.type)));
    const { ServerMessage } = await import("../../../src/shared/protocol.ts");
    const kinds = ServerMessage.def.options.map((o) => o.shape.type.def.values[0]);
    expect([...seen].sort()).toEqual([...kinds].sort());
    for (const x of all) x.close();
  });
});
