/** GET /metrics in the Prometheus text format, read with a Prometheus-format parser; /readyz. */
import { describe, expect, test } from "bun:test";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { Client, eventually, joined, pair, useServer } from "../harness.ts";

interface Family {
  name: string;
  type: string;
  metrics: { value?: string; labels?: Record<string, string>; buckets?: Record<string, string>; count?: string }[];
}

const scrape = async (url: string, headers: Record<string, string> = {}) => {
  const res = await fetch(`${url}/metrics`, { headers });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("text/plain");
  const text = await res.text();
  return { text, families: new Map((parsePrometheusTextFormat(text) as Family[]).map((f) => [f.name, f])) };
};
const value = (families: Map<string, Family>, name: string, labels: Record<string, string> = {}) =>
  Number(families.get(name)?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v))?.value ?? NaN);

describe("metrics", () => {
  const server = useServer({ ROOM_CAPACITY: "2", RATE_LIMIT_BURST: "5", RATE_LIMIT_PER_SECOND: "1", FLOOD_BAN_SECONDS: "0" });

  test("count rooms, sockets, joins by outcome, relays by type, errors, closes, drops and join latency, with no names in labels", async () => {
    const { a, b } = await pair(server.wsUrl, "metrics-room-secret-name");
    const c = await Client.connect(server.wsUrl);
    c.send({ type: "join", room: "metrics-room-secret-name" });
    await c.next("full");
    a.client.send({ type: "description", description: { type: "offer", sdp: "v=0" } });
    a.client.send({ type: "candidate", candidate: null });
    await b.client.next("description");
    await b.client.next("candidate");
    c.send("{nope");
    await c.next("error");
    // Past the burst: a drop.
    for (let i = 0; i < 8; i++) c.send({ type: "ping" });
    await c.next("pong");
    c.ws.close(1000);
    await c.closed();
    // The server counts the close once it has seen it.
    await eventually(async () => value((await scrape(server.url)).families, "roomcall_closes_total", { code: "1000" }) === 1, "the close counted");

    const { text, families } = await scrape(server.url);
    expect(value(families, "roomcall_rooms")).toBe(1);
    expect(value(families, "roomcall_connections")).toBeGreaterThanOrEqual(2);
    expect(value(families, "roomcall_joins_total", { outcome: "created" })).toBe(1);
    expect(value(families, "roomcall_joins_total", { outcome: "joined" })).toBe(1);
    expect(value(families, "roomcall_joins_total", { outcome: "full" })).toBe(1);
    expect(value(families, "roomcall_joins_total", { outcome: "unauthorized" })).toBe(0);
    expect(value(families, "roomcall_relayed_messages_total", { type: "description" })).toBe(1);
    expect(value(families, "roomcall_relayed_messages_total", { type: "candidate" })).toBe(1);
    expect(value(families, "roomcall_errors_total", { code: "bad-json" })).toBe(1);
    expect(value(families, "roomcall_errors_total", { code: "rate-limited" })).toBe(1);
    expect(value(families, "roomcall_rate_limited_total")).toBeGreaterThan(0);
    expect(value(families, "roomcall_closes_total", { code: "1000" })).toBe(1);
    const latency = families.get("roomcall_join_seconds")!;
    expect(latency.type).toBe("HISTOGRAM");
    expect(Number(latency.metrics[0]!.count)).toBe(2);
    expect(Object.keys(latency.metrics[0]!.buckets!).length).toBeGreaterThan(5);
    // Kinds and codes only: no room names or peer ids anywhere.
    expect(text).not.toContain("metrics-room-secret-name");
    for (const id of [a.id, b.id]) expect(text).not.toContain(id);
    a.client.close();
    b.client.close();
  });

  test("/readyz is ready while the server takes sockets", async () => {
    const res = await fetch(`${server.url}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ready: true });
  });
});

describe("metrics behind a token", () => {
  const server = useServer({ METRICS_TOKEN: "scrape-me-with-this-token" });

  test("need the bearer token", async () => {
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${server.url}/metrics`, { headers: { authorization: "Bearer wrong-token-of-some-length" } })).status).toBe(401);
    const { families } = await scrape(server.url, { authorization: "Bearer scrape-me-with-this-token" });
    expect(families.has("roomcall_joins_total")).toBe(true);
    const a = await joined(server.wsUrl, "behind-token");
    a.client.close();
  });
});

describe("metrics and readiness with Redis", () => {
  test("Redis reachability and command latency are measured; /readyz is not ready while Redis is away", async () => {
    const { startRedis } = await import("../../support/services/redis-server.ts");
    const { startTestServer } = await import("../harness.ts");
    const redis = await startRedis();
    const server = await startTestServer({ REDIS_URL: redis.url });
    try {
      const a = await joined(server.wsUrl, "metrics-redis");
      let { families } = await scrape(server.url);
      expect(value(families, "roomcall_redis_up")).toBe(1);
      expect(families.get("roomcall_redis_command_seconds")?.type).toBe("HISTOGRAM");
      // One series per command (the parser merges labelled histograms, so the count is read from the text).
      const { text } = await scrape(server.url);
      const joins = text.match(/^roomcall_redis_command_seconds_count\{command="rcJoin"\} (\d+)$/m);
      expect(Number(joins?.[1])).toBeGreaterThanOrEqual(1);
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
      await redis.stop();
      const down = await eventually(async () => {
        const r = await fetch(`${server.url}/readyz`);
        return r.status === 503 && (await r.json());
      }, "not ready without Redis");
      expect(down).toEqual({ ready: false, reason: "redis-unreachable" });
      ({ families } = await scrape(server.url));
      expect(value(families, "roomcall_redis_up")).toBe(0);
      a.client.close();
    } finally {
      await server.shutdown().catch(() => {});
      await redis.stop().catch(() => {});
    }
  });
});
