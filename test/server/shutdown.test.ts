import { expect, test } from "bun:test";
import { Client } from "./harness.ts";

test("SIGTERM closes open sockets with 1001 and the process exits cleanly", async () => {
  const p = Bun.spawn(["bun", "src/server/main.ts"], {
    env: { ...process.env, PORT: "0", LOG_LEVEL: "info" },
    stdout: "pipe",
    stderr: "inherit",
  });
  const reader = p.stdout.getReader();
  let out = "";
  let port = 0;
  while (!port) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`server exited early: ${out}`);
    out += new TextDecoder().decode(value);
    const m = out.match(/"event":"listening".*"port":(\d+)/);
    if (m) port = Number(m[1]);
  }
  const url = `ws://127.0.0.1:${port}/ws`;
  const a = await Client.connect(url);
  const b = await Client.connect(url);
  a.send({ type: "join", room: "closing" });
  await a.next("created");
  p.kill("SIGTERM");
  expect((await a.closed()).code).toBe(1001);
  expect((await b.closed()).code).toBe(1001);
  expect(await p.exited).toBe(0);
});
