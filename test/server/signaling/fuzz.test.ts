import { afterAll, beforeAll, expect, test } from "bun:test";
import { runFuzz } from "../../support/fuzz.ts";
import { eventually } from "../harness.ts";
import { type ServerProcess, spawnServer } from "../../support/services/server-process.ts";

// The long run (100,000+ frames) is in bench/; this short one guards every change.
const FRAMES = 6000;
let server: ServerProcess;

beforeAll(async () => {
  server = await spawnServer({
    LOG_LEVEL: "error",
    RATE_LIMIT_PER_SECOND: "100000",
    RATE_LIMIT_BURST: "100000",
    RATE_LIMIT_BYTES_PER_SECOND: "1000000000",
    RATE_LIMIT_BYTES_BURST: "1000000000",
    ADDRESS_RATE_LIMIT_BYTES_PER_SECOND: "1000000000",
    ADDRESS_RATE_LIMIT_BYTES_BURST: "1000000000",
    RESUME_GRACE_SECONDS: "0",
  });
});
afterAll(() => server?.stop());

test(`${FRAMES} fuzzed frames: each answered as the protocol says, pairs undisturbed, nothing left behind`, async () => {
  const report = await runFuzz({ wsUrl: server.wsUrl, seed: 7, frames: FRAMES, connections: 12, pairs: 6, maxBytes: 65536 });
  expect(report.framesSent).toBeGreaterThanOrEqual(FRAMES);
  expect(report.mismatches).toEqual([]);
  expect(report.pairProblems).toEqual([]);
  expect(report.pairMessages).toBeGreaterThan(50);
  // Some sockets were closed for oversize frames (1009), the rest closed by their clients.
  expect(Object.keys(report.closes).map(Number).every((c) => c === 1009 || c === 1000 || c === 1005)).toBe(true);
  expect(server.proc.exitCode).toBeNull();
  expect(server.logs.filter((l) => l.includes('"level":"error"'))).toEqual([]);
  // Sockets close a moment after the clients let go of them.
  const health = await eventually(async () => {
    const h = await (await fetch(`${server.url}/healthz`)).json();
    return h.connections === 0 && h.rooms === 0 && h;
  }, "no sockets and no rooms left");
  expect(health).toMatchObject({ ok: true, connections: 0, rooms: 0 });
}, 120_000);
