import { expect, test } from "bun:test";
import { connect } from "node:net";
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

test("a connection that never finishes its request does not hold up the exit (it would until Bun's 10 s idle timeout)", async () => {
  const server = await spawnServer();
  const stuck = connect(server.port, "127.0.0.1");
  stuck.on("error", () => {});
  const closed = new Promise<void>((resolve) => stuck.on("close", () => resolve()));
  await new Promise<void>((resolve) => stuck.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n", () => resolve()));
  const a = await Client.connect(server.wsUrl);
  const began = performance.now();
  server.proc.kill("SIGTERM");
  expect((await a.closed()).code).toBe(1001);
  expect(await server.proc.exited).toBe(0);
  // Well inside the idle timeout: the stuck connection was cut after the grace, not waited out.
  expect(performance.now() - began).toBeLessThan(6000);
  await closed;
}, 20_000);

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
