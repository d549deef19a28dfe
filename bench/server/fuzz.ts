/**
 * The long fuzz run: 100,000 generated frames from many connections while well-behaved
 * pairs signal, against the real server process; then the server's memory after a full
 * collection against where it started.
 */
import { runFuzz } from "../../test/support/fuzz.ts";
import type { Section } from "../lib/section.ts";
import { withServer } from "../lib/servers.ts";
import { fmt, int, verdict } from "../lib/table.ts";

const FRAMES = 100_000;
const SHAPE = { connections: 40, pairs: 10, maxBytes: 65536 };

async function fuzzOnce() {
  return withServer("ours", { LOG_LEVEL: "info", RESUME_GRACE_SECONDS: "0" }, async (server) => {
    // A first, shorter run warms the server (JIT, grown tables, allocator pools): "before" is after it.
    await runFuzz({ wsUrl: server.wsUrl, seed: 1, frames: 20_000, ...SHAPE });
    const before = await server.memory();
    const t0 = performance.now();
    const report = await runFuzz({ wsUrl: server.wsUrl, seed: 20261124, frames: FRAMES, ...SHAPE });
    const seconds = (performance.now() - t0) / 1000;
    const after = await server.memory();
    const health = (await (await fetch(`http://127.0.0.1:${server.port}/healthz`)).json()) as { rooms: number; connections: number };
    return {
      frames: report.framesSent,
      seconds,
      mismatches: report.mismatches.length,
      firstMismatches: report.mismatches.slice(0, 3),
      pairMessages: report.pairMessages,
      pairProblems: report.pairProblems.length,
      closes: report.closes,
      serverErrors: server.lines.filter((l) => l.includes('"level":"error"')).length,
      serverAlive: (await fetch(`http://127.0.0.1:${server.port}/healthz`)).ok,
      leftOver: health,
      rssBefore: before.rss,
      rssAfter: after.rss,
      heapBefore: before.heapUsed,
      heapAfter: after.heapUsed,
    };
  });
}

export const fuzz: Section<Awaited<ReturnType<typeof fuzzOnce>>> = {
  name: "fuzz",
  groups: ["signaling"],
  // One seeded run: it checks correctness, not speed, and the same seed gives the same frames.
  run: () => fuzzOnce(),
  goals(z) {
    const bad = z.mismatches + z.pairProblems + z.serverErrors + z.leftOver.rooms + z.leftOver.connections;
    return [{ figure: `long fuzz, ${int(z.frames)} frames: protocol breaks, lost messages, errors, leftovers`, baseline: "", ours: String(bad), ratio: "", goal: "0", ok: bad === 0 && z.serverAlive }];
  },
  render(z) {
    const kb = (n: number) => `${fmt(n / 1024, 0)} KB`;
    return [
      "## Long fuzz",
      "",
      `${int(z.frames)} generated frames from ${SHAPE.connections} connections in ${fmt(z.seconds)} s while ${SHAPE.pairs} pairs signal (seeded, reproducible; \`test/support/fuzz.ts\`, run from the bench process: this checks behaviour, not speed). Memory is compared with the server after a 20,000-frame warm-up run, after a full GC.`,
      "",
      "| figure | value | goal | |",
      "|---|---|---|---|",
      `| frames whose answer broke the protocol | ${z.mismatches} | 0 | ${verdict(z.mismatches === 0)} |`,
      `| pair messages lost, out of order or from outside the room | ${z.pairProblems} (of ${int(z.pairMessages)}) | 0 | ${verdict(z.pairProblems === 0)} |`,
      `| server errors logged / server alive | ${z.serverErrors} / ${z.serverAlive} | 0 / true | ${verdict(z.serverErrors === 0 && z.serverAlive)} |`,
      `| rooms and sockets left afterwards | ${z.leftOver.rooms} / ${z.leftOver.connections} | 0 / 0 | ${verdict(z.leftOver.rooms === 0 && z.leftOver.connections === 0)} |`,
      `| RSS after GC, before → after | ${kb(z.rssBefore)} → ${kb(z.rssAfter)} | within 10 % | ${verdict(z.rssAfter <= z.rssBefore * 1.1)} |`,
      `| heap used after GC, before → after | ${kb(z.heapBefore)} → ${kb(z.heapAfter)} | within 10 % | ${verdict(z.heapAfter <= z.heapBefore * 1.1)} |`,
      "",
    ];
  },
};
