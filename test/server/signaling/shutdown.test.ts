import { expect, test } from "bun:test";
import { spawnServer } from "../../support/services/server-process.ts";
import { Client } from "../harness.ts";

test("SIGTERM closes open sockets with 1001 and the process exits cleanly", async () => {
  const server = await spawnServer();
  const a = await Client.connect(server.wsUrl);
  const b = await Client.connect(server.wsUrl);
  a.send({ type: "join", room: "closing" });
  await a.next("created");
  server.proc.kill("SIGTERM");
  expect((await a.closed()).code).toBe(1001);
  expect((await b.closed()).code).toBe(1001);
  expect(await server.proc.exited).toBe(0);
});

test("draining: on SIGTERM /readyz turns not ready and new sockets are refused for DRAIN_SECONDS, then peers are told to resume elsewhere", async () => {
  const server = await spawnServer({ DRAIN_SECONDS: "2" });
  const a = await Client.connect(server.wsUrl);
  a.send({ type: "join", room: "draining" });
  await a.next("created");
  expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
  const at = Date.now();
  server.proc.kill("SIGTERM");
  // Not ready at once (a load balancer stops sending new clients), but still alive.
  const deadline = Date.now() + 1500;
  let ready = 200;
  while (ready === 200 && Date.now() < deadline) ready = (await fetch(`${server.url}/readyz`)).status;
  expect(ready).toBe(503);
  expect(await (await fetch(`${server.url}/readyz`)).json()).toEqual({ ready: false, reason: "draining" });
  expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  await expect(Client.connect(server.wsUrl)).rejects.toThrow();
  // The peer in the room keeps its socket through the drain, then gets 1001 with the reason.
  expect(a.closeEvent).toBeNull();
  const closed = await a.closed(5000);
  expect(closed.code).toBe(1001);
  expect(closed.reason).toContain("reconnect to resume");
  expect(Date.now() - at).toBeGreaterThanOrEqual(1900);
  expect(await server.proc.exited).toBe(0);
});
