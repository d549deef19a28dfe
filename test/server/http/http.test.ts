import { describe, expect, test } from "bun:test";
import { Client, eventually, useServer } from "../harness.ts";
import { rawConnect } from "../raw-socket.ts";

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

  test("no subprotocol is agreed to, whatever the client asks for", async () => {
    const raw = await rawConnect(server.port, { headers: ["Sec-WebSocket-Protocol: chat, superchat"] });
    expect(raw.head).toStartWith("HTTP/1.1 101");
    expect(raw.head.toLowerCase()).not.toContain("sec-websocket-protocol");
    raw.destroy();
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

describe("a pinned public origin (PUBLIC_ORIGIN)", () => {
  const server = useServer({ PUBLIC_ORIGIN: "https://calls.example", ALLOWED_ORIGINS: "https://embedder.example" });
  const upgrade = (host: string, origin?: string) =>
    fetch(`${server.url}/ws`, {
      headers: {
        host,
        upgrade: "websocket",
        connection: "Upgrade",
        "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
        "sec-websocket-version": "13",
        ...(origin ? { origin } : {}),
      },
    });

  test("a page on a rebound host name cannot open the socket, though its Origin equals the Host it sends", async () => {
    const rebound = `evil.example:${server.port}`;
    const res = await upgrade(rebound, `http://${rebound}`);
    expect(res.status).toBe(421);
    expect(await res.text()).toContain("calls.example");
    // Nor read the site's pages and fragments.
    expect((await fetch(`${server.url}/rooms/r1/occupancy`, { headers: { host: rebound } })).status).toBe(421);
    expect((await fetch(`${server.url}/`, { headers: { host: rebound } })).status).toBe(421);
  });

  test("the public origin, the allowed ones and non-browsers get in; other origins, localhost too, do not", async () => {
    for (const origin of ["https://calls.example", "https://embedder.example", undefined]) {
      const raw = await rawConnect(server.port, { host: "calls.example", headers: origin ? [`Origin: ${origin}`] : [] });
      raw.sendText('{"type":"ping"}');
      await raw.until((d) => d.includes('"pong"'));
      raw.destroy();
    }
    for (const origin of ["http://calls.example", "http://localhost:5173", "https://evil.example"]) {
      expect((await upgrade("calls.example", origin)).status).toBe(403);
    }
  });

  test("the health check answers whatever the Host, for monitoring on the machine", async () => {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${server.url}/`, { headers: { host: "calls.example" } })).status).toBe(200);
  });
});
