/**
 * The long fuzz run: 100,000+ generated frames from many connections while well-behaved
 * pairs signal, against the real server process; then the server's memory after a full
 * collection against where it started.
 */
import { startServer } from "./lib/processes.ts";
import { runFuzz } from "../test/support/fuzz.ts";

export async function fuzzBench(frames = 100_000) {
  const server = await startServer("ours", { LOG_LEVEL: "info", RESUME_GRACE_SECONDS: "0" });
  try {
    // A first, shorter run warms the server (JIT, grown tables, allocator pools): "before" is after it.
    await runFuzz({ wsUrl: server.wsUrl, seed: 1, frames: 20_000, connections: 40, pairs: 10, maxBytes: 65536 });
    await Bun.sleep(500);
    const before = await server.memory();
    const t0 = performance.now();
    const report = await runFuzz({ wsUrl: server.wsUrl, seed: 20261124, frames, connections: 40, pairs: 10, maxBytes: 65536 });
    const seconds = (performance.now() - t0) / 1000;
    await Bun.sleep(500);
    const after = await server.memory();
    const health = await (await fetch(`http://127.0.0.1:${server.port}/healthz`)).json();
    return {
      frames: report.framesSent,
      seconds,
      mismatches: report.mismatches.length,
      firstMismatches: report.mismatches.slice(0, 3),
      pairMessages: report.pairMessages,
      pairProblems: report.pairProblems.length,
      closes: report.closes,
      serverErrors: server.lines.filter((l) => l.includes('"level":"error"')).length,
      serverAlive: server.proc.exitCode === null,
      leftOver: health,
      rssBefore: before.rss,
      rssAfter: after.rss,
      heapBefore: before.heapUsed,
      heapAfter: after.heapUsed,
    };
  } finally {
    await server.stop();
  }
}
