import { afterAll, describe, expect, test } from "bun:test";
import { Client, eventually, useServer } from "./harness.ts";

describe("HTTP", () => {
  const server = useServer({ ALLOWED_ORIGINS: "https://embedder.example", MAX_CONNECTIONS_PER_ADDRESS: "3" });

  test("GET /healthz", async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, connections: 0, rooms: 0 });
  });

  test("/ws without an upgrade says it speaks WebSocket only", async () => {
    const res = await fetch(`${server.url}/ws`);
    expect(res.status).toBe(426);
  });

  const upgrade = (origin?: string) =>
    fetch(`${server.url}/ws`, {
      headers: {
        upgrade: "websocket",
        connection: "Upgrade",
        "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
        "sec-websocket-version": "13",
        ...(origin ? { origin } : {}),
      },
    });

  test("a foreign Origin gets 403 before any upgrade", async () => {
    const res = await upgrade("https://evil.example");
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("origin");
  });

  test("allowed origins: configured, own, localhost, and none (not a browser)", async () => {
    for (const origin of ["https://embedder.example", server.url, "http://localhost:5173", undefined]) {
      const c = await Client.connect(server.wsUrl, origin ? { Origin: origin } : undefined);
      c.send({ type: "ping" });
      await c.next("pong");
      c.close();
      await c.closed();
    }
  });

  test("connections per address are capped", async () => {
    const open = await Promise.all([1, 2, 3].map(() => Client.connect(server.wsUrl)));
    await expect(Client.connect(server.wsUrl)).rejects.toThrow();
    open[0]!.close();
    await open[0]!.closed();
    // The server gives the address's slot back once it has seen the close.
    const again = await eventually(() => Client.connect(server.wsUrl).catch(() => null), "a slot for the address again");
    for (const c of [...open.slice(1), again]) c.close();
  });
});
