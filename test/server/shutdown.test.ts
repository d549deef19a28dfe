import { expect, test } from "bun:test";
import { spawnServer } from "../support/server-process.ts";
import { Client } from "./harness.ts";

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
