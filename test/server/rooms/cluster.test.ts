/**
 * Several server processes sharing rooms through a real redis-server: capacity holds
 * cluster-wide, relays cross nodes in order and only to the nodes concerned, a killed
 * node's seats are freed by the others, a peer resumes on another node, and calls live
 * through Redis going away and coming back.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Redis from "ioredis";
import { type Cluster, type ClusterNode, startCluster } from "../../support/services/cluster.ts";
import { busyRooms } from "./busy-rooms.ts";
import { Client, eventually, joined, pair } from "../harness.ts";

const LEASE_SECONDS = 2;
/** A killed node's seats are freed within 1.2 leases (docs/scaling.md); this much more for the messages. */
const FREED_WITHIN_MS = 1.2 * LEASE_SECONDS * 1000 + 1000;

const healthz = async (n: ClusterNode) => (await fetch(`${n.url}/healthz`)).json() as Promise<{ rooms: number | null; redis: string }>;
const occupancy = async (n: ClusterNode, room: string) => (await fetch(`${n.url}/rooms/${room}/occupancy`)).text();

describe("a cluster of three nodes", () => {
  let cluster: Cluster;
  let watcher: Redis;
  /** Node messages seen on Redis, by receiving node. */
  const seen = new Map<string, string[]>();
  beforeAll(async () => {
    cluster = await startCluster(3, { NODE_LEASE_SECONDS: String(LEASE_SECONDS), ROOM_CAPACITY: "3", RESUME_GRACE_SECONDS: "5", MAX_CONNECTIONS_PER_ADDRESS: "5000", RATE_LIMIT_PER_SECOND: "1000", RATE_LIMIT_BURST: "2000" });
    watcher = new Redis(cluster.redis.url);
    await watcher.psubscribe("roomcall:node:*");
    watcher.on("pmessage", (_p, channel: string, text: string) => {
      const node = channel.slice("roomcall:node:".length);
      seen.set(node, [...(seen.get(node) ?? []), text]);
    });
  });
  afterAll(async () => {
    watcher?.disconnect();
    await cluster?.stop();
  });
  const url = (i: number) => cluster.nodes[i]!.wsUrl;
  const relaysTo = (i: number) => (seen.get(cluster.nodes[i]!.node) ?? []).filter((t) => t.startsWith("R"));

  test("40 clients on 3 nodes join a room of 2 at the same instant: 2 get in, 38 are told full, 20 rounds over", async () => {
    const two = await startCluster(3, { ROOM_CAPACITY: "2" });
    try {
      const clients = await Promise.all(Array.from({ length: 40 }, (_, i) => Client.connect(two.nodes[i % 3]!.wsUrl)));
      for (let round = 0; round < 20; round++) {
        const room = `race-${round}`;
        for (const c of clients) c.send({ type: "join", room });
        const answers = await Promise.all(clients.map((c) => c.next()));
        const admitted = clients.filter((_, i) => answers[i]!.type === "created" || answers[i]!.type === "joined");
        expect(answers.filter((a) => a.type === "full").length).toBe(38);
        expect(admitted.length).toBe(2);
        expect(await occupancy(two.nodes[round % 3]!, room)).toContain("2 of 2");
        // The first in hears of the second; then both leave for the next round.
        const first = clients[answers.findIndex((a) => a.type === "created")]!;
        await first.next("peer-joined");
        for (const c of admitted) c.send({ type: "leave" });
        for (const c of admitted) {
          for (;;) if ((await c.next()).type === "left") break;
        }
      }
      for (const c of clients) c.close();
    } finally {
      await two.stop();
    }
  }, 60_000);

  test("peers on two nodes signal each other in order; only the target's node is sent anything, same-node peers nothing", async () => {
    const a = await joined(url(0), "cross-1");
    const b = await joined(url(1), "cross-1");
    await a.client.next("peer-joined");
    const offer = { type: "offer", sdp: "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n" } as const;
    a.client.send({ type: "description", to: b.id, link: 3, description: offer });
    expect(await b.client.next("description")).toEqual({ type: "description", from: a.id, to: b.id, link: 3, description: offer });
    b.client.send({ type: "candidate", to: a.id, candidate: null });
    expect(await a.client.next("candidate")).toEqual({ type: "candidate", from: b.id, to: a.id, candidate: null });
    // 300 in a row, both ways at once: each side sees the other's in the order sent.
    for (let i = 0; i < 300; i++) {
      a.client.send({ type: "app", payload: i });
      b.client.send({ type: "app", to: a.id, payload: i });
    }
    for (let i = 0; i < 300; i++) {
      expect((await b.client.next("app")).payload).toBe(i);
      expect((await a.client.next("app")).payload).toBe(i);
    }
    await eventually(() => relaysTo(1).length >= 301 && relaysTo(0).length >= 301, "the relays seen on Redis");
    expect(relaysTo(2)).toEqual([]);

    // A third peer on a's node: a broadcast reaches it directly and b through b's node only.
    const before = { 0: relaysTo(0).length, 1: relaysTo(1).length, 2: relaysTo(2).length };
    const c = await joined(url(0), "cross-1");
    await a.client.next("peer-joined");
    await b.client.next("peer-joined");
    a.client.send({ type: "app", payload: "all" });
    expect((await b.client.next("app")).payload).toBe("all");
    expect((await c.client.next("app")).payload).toBe("all");
    a.client.send({ type: "app", to: c.id, payload: "same node" });
    expect((await c.client.next("app")).payload).toBe("same node");
    await b.client.expectQuiet(200);
    expect(relaysTo(1).length - before[1]).toBe(1);
    expect(relaysTo(0).length - before[0]).toBe(0);
    expect(relaysTo(2).length - before[2]).toBe(0);
    // The whole cluster's answers, on any node.
    expect(await occupancy(cluster.nodes[2]!, "cross-1")).toContain("3 of 3");
    expect((await healthz(cluster.nodes[2]!)).rooms).toBeGreaterThanOrEqual(1);
    for (const x of [a, b, c]) x.client.close();
  });

  test("names cross nodes: a newcomer on one node learns the others' names, and they learn its", async () => {
    const join = async (node: number, name: string) => {
      const c = await Client.connect(url(node));
      c.send({ type: "join", room: "names-x", name });
      return { c, answer: await c.next() };
    };
    const a = await join(0, "Ada");
    const b = await join(1, "Grace");
    if (a.answer.type !== "created" || b.answer.type !== "joined") throw new Error("not seated");
    expect(b.answer.profiles).toEqual({ [a.answer.id]: { name: "Ada", verified: false } });
    expect(await a.c.next("peer-joined")).toEqual({ type: "peer-joined", peer: b.answer.id, profile: { name: "Grace", verified: false } });
    a.c.close();
    b.c.close();
  });

  test("nothing crosses rooms: 1,000 busy rooms, each split over two nodes", async () => {
    await busyRooms(url(1), url(2));
  }, 60_000);

  test("a node killed without a word: the others free its seats within the lease bound, and tell with peer-left (timeout)", async () => {
    const doomed = await cluster.add();
    const a = await joined(url(0), "killed-1");
    const b = await joined(doomed.wsUrl, "killed-1");
    await a.client.next("peer-joined");
    const killed = Date.now();
    doomed.proc.kill("SIGKILL");
    expect(await a.client.next("peer-left", FREED_WITHIN_MS + 1000)).toEqual({ type: "peer-left", peer: b.id, reason: "timeout" });
    expect(Date.now() - killed).toBeLessThan(FREED_WITHIN_MS);
    expect(await occupancy(cluster.nodes[1]!, "killed-1")).toContain("1 of 3");
    a.client.close();
  }, 20_000);

  test("a peer whose node was killed resumes on another node with its token: no ghost, no full, no peer-left", async () => {
    const doomed = await cluster.add({ ROOM_CAPACITY: "3" });
    const a = await joined(url(0), "moved-1");
    const b = await joined(url(1), "moved-1");
    const gone = await joined(doomed.wsUrl, "moved-1");
    await a.client.next("peer-joined");
    await a.client.next("peer-joined");
    await b.client.next("peer-joined");
    doomed.proc.kill("SIGKILL");
    const back = await Client.connect(url(2));
    back.send({ type: "join", room: "moved-1", resume: gone.answer.resume });
    expect(await back.next("joined")).toMatchObject({ id: gone.id, resumed: true, peers: [a.id, b.id] });
    expect(await a.client.next("peer-resumed")).toEqual({ type: "peer-resumed", peer: gone.id });
    expect(await b.client.next("peer-resumed")).toEqual({ type: "peer-resumed", peer: gone.id });
    // Past the bound in which the dead node's seats are freed, the resumed one is still there.
    await a.client.expectQuiet(FREED_WITHIN_MS);
    back.send({ type: "app", payload: "still here" });
    expect((await a.client.next("app")).payload).toBe("still here");
    expect((await b.client.next("app")).payload).toBe("still here");
    expect(await occupancy(cluster.nodes[0]!, "moved-1")).toContain("3 of 3");
    for (const x of [a.client, b.client, back]) x.close();
  }, 20_000);

  test("a node shut down cleanly hands its seats back at once: resumed elsewhere, or freed after the grace, not the lease", async () => {
    const leaving = await cluster.add({ RESUME_GRACE_SECONDS: "1", NODE_LEASE_SECONDS: "60" });
    const a = await joined(url(0), "handed-1");
    const b = await joined(leaving.wsUrl, "handed-1");
    const c = await joined(leaving.wsUrl, "handed-1");
    await a.client.next("peer-joined");
    await a.client.next("peer-joined");
    const stopped = Date.now();
    await leaving.stop();
    expect((await b.client.closed()).code).toBe(1001);
    // b resumes on another node; c does not come back.
    const back = await Client.connect(url(1));
    back.send({ type: "join", room: "handed-1", resume: b.answer.resume });
    expect(await back.next("joined")).toMatchObject({ id: b.id, resumed: true });
    expect(await a.client.next("peer-resumed")).toEqual({ type: "peer-resumed", peer: b.id });
    expect(await a.client.next("peer-left", 5000)).toEqual({ type: "peer-left", peer: c.id, reason: "closed" });
    expect(Date.now() - stopped).toBeLessThan(5000);
    expect((await back.next("peer-left")).peer).toBe(c.id);
    for (const x of [a.client, back]) x.close();
  }, 20_000);
});

describe("Redis going away in the middle of a call", () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster(2, { NODE_LEASE_SECONDS: String(LEASE_SECONDS), RESUME_GRACE_SECONDS: "5" });
  });
  afterAll(() => cluster?.stop());

  test("joins are unavailable, same-node relays go on, cross-node relays say so; back, every seat is re-asserted", async () => {
    const [n0, n1] = cluster.nodes as [ClusterNode, ClusterNode];
    const { a, b } = await pair(n0.wsUrl, "outage-1", n1.wsUrl);
    const { a: c, b: d } = await pair(n0.wsUrl, "outage-2");

    await cluster.redis.stop();
    await eventually(async () => (await healthz(n0)).redis === "unreachable" && (await healthz(n1)).redis === "unreachable", "both nodes to see Redis gone");
    const joiner = await Client.connect(n1.wsUrl);
    joiner.send({ type: "join", room: "outage-3" });
    expect(await joiner.next("error")).toMatchObject({ code: "unavailable" });
    // Peers of one node: as before.
    c.client.send({ type: "app", payload: "same node" });
    expect((await d.client.next("app")).payload).toBe("same node");
    // Across nodes: the sender hears it did not go.
    a.client.send({ type: "app", payload: "across" });
    expect(await a.client.next("error")).toMatchObject({ code: "peer-unreachable", peer: b.id });

    // Back, empty (no persistence): both nodes put their seats back.
    cluster.redis = await cluster.redis.restart();
    await eventually(async () => (await occupancy(n1, "outage-1")).includes("2 of 2") && (await occupancy(n1, "outage-2")).includes("2 of 2"), "the seats re-asserted", 10_000);
    await eventually(async () => (await healthz(n0)).redis === "reachable", "node 0 to see Redis back");
    expect((await healthz(n0)).rooms).toBe(2);
    a.client.send({ type: "app", payload: "across again" });
    expect((await b.client.next("app")).payload).toBe("across again");
    // The seats count again: the room is full for a newcomer, and no one was told anyone left.
    joiner.send({ type: "join", room: "outage-1" });
    expect(await joiner.next("full")).toMatchObject({ room: "outage-1" });
    joiner.send({ type: "join", room: "outage-3" });
    await joiner.next("created");
    await a.client.expectQuiet(LEASE_SECONDS * 1000 + 500);
    await b.client.expectQuiet(0);
    for (const x of [a, b, c, d]) x.client.close();
    joiner.close();
  }, 40_000);
});
