/**
 * Idle: sockets joined in rooms of two and left idle; the server's memory after a full
 * collection with them, against before them, per socket. Ours against the bare relay.
 */
import { startHolder } from "../lib/generators.ts";
import { ephemeralPorts, openFileLimit } from "../lib/proc.ts";
import { alternate } from "../lib/rounds.ts";
import type { Section } from "../lib/section.ts";
import { type BenchServer, type Kind, withServer } from "../lib/servers.ts";
import { median } from "../lib/stats.ts";
import { fmt, goalRow, int, ratioRow } from "../lib/table.ts";

interface IdleRun {
  sockets: number;
  rssBefore: number;
  rssAfter: number;
  heapBefore: number;
  heapAfter: number;
  bytesPerSocket: number;
  heapBytesPerSocket: number;
  connectSeconds: number;
  generatorCpuPercent: number;
  generators: number;
}

/** Files a process keeps besides its sockets (stdio, epoll, timers, the listener...), with room to spare. */
const FD_MARGIN = 1000;
/**
 * Sockets opened and closed before "before": enough joins for the JIT to have compiled the
 * join path at its higher tiers. With 200, about 2 MB of the runtime's own compiler code was
 * still being paged in during the measured span, and counted as memory per socket.
 */
const WARMUP_SOCKETS = 4000;

/** The largest count: what the server's open-file limit allows, rounded down to a thousand. */
function counts(): number[] {
  const limit = openFileLimit();
  return [10_000, Math.floor((limit - FD_MARGIN) / 1000) * 1000];
}

/** Opens `count` sockets from as many generator processes as their own file limit needs. */
async function hold(s: BenchServer, count: number, tag: string) {
  // Bun's client cannot choose its source address: one address must have the ports.
  if (count > ephemeralPorts() - FD_MARGIN) throw new Error(`${count} sockets need more than one source address's ${ephemeralPorts()} ephemeral ports`);
  const perProcess = openFileLimit() - 2 * FD_MARGIN;
  const processes = Math.ceil(count / perProcess);
  const share = Math.ceil(count / processes / 2) * 2;
  const holders = [];
  for (let i = 0; i < processes; i++) {
    const n = Math.min(share, count - i * share);
    holders.push(await startHolder<{ sockets: number; seconds: number; generatorCpuPercent: number }>("bench/load/hold.ts", { kind: s.kind, url: s.wsUrl, count: n, tag: `${tag}-${i}` }));
  }
  return holders;
}

async function measure(kind: Kind, count: number, round: number): Promise<IdleRun> {
  return withServer(kind, { LOG_LEVEL: "info" }, async (s) => {
    // Warm the server's code paths first, so "before" is a server that has seen sockets.
    for (const h of await hold(s, WARMUP_SOCKETS, `warm-${round}`)) await h.release();
    const before = await s.memory();
    const holders = await hold(s, count, `${round}`);
    await Bun.sleep(1000);
    const after = await s.memory();
    for (const h of holders) await h.release();
    const sockets = holders.reduce((n, h) => n + h.ready.sockets, 0);
    if (sockets !== count) throw new Error(`held ${sockets} of ${count} sockets`);
    return {
      sockets,
      rssBefore: before.rss,
      rssAfter: after.rss,
      heapBefore: before.heapUsed,
      heapAfter: after.heapUsed,
      bytesPerSocket: (after.rss - before.rss) / count,
      heapBytesPerSocket: (after.heapUsed - before.heapUsed) / count,
      connectSeconds: Math.max(...holders.map((h) => h.ready.seconds)),
      generatorCpuPercent: Math.max(...holders.map((h) => h.ready.generatorCpuPercent)),
      generators: holders.length,
    };
  });
}

interface IdleResult {
  openFileLimit: number;
  ephemeralPorts: number;
  byCount: Record<string, { bare: IdleRun[]; ours: IdleRun[] }>;
}

export const idle: Section<IdleResult> = {
  name: "idle",
  groups: ["signaling"],
  async run({ rounds, log }) {
    const byCount: IdleResult["byCount"] = {};
    for (const count of counts()) {
      byCount[count] = await alternate(["bare", "ours"], rounds, async (kind, round) => {
        const r = await measure(kind, count, round);
        log(`idle ${count} ${kind}`, JSON.stringify(r));
        return r;
      });
    }
    return { openFileLimit: openFileLimit(), ephemeralPorts: ephemeralPorts(), byCount };
  },
  goals({ byCount }) {
    return Object.entries(byCount).map(([count, { bare, ours }]) =>
      goalRow(`idle, ${int(Number(count))} sockets: server RSS per socket (bytes)`, bare.map((r) => r.bytesPerSocket), ours.map((r) => r.bytesPerSocket), 0, { max: 1.5 }),
    );
  },
  render({ openFileLimit: limit, ephemeralPorts: ports, byCount }) {
    const out = [
      "## Idle connections",
      "",
      `Sockets joined in rooms of two (ours: \`join\`, answered; baseline: \`?room=\`) and left idle, held by generator processes of at most ${int(limit - 2 * FD_MARGIN)} sockets each (the open-file limit is ${int(limit)} per process, for the server too) from 127.0.0.1, whose ${int(ports)} ephemeral ports are enough for one source address. On a fresh server each run: ${int(WARMUP_SOCKETS)} sockets opened and closed to warm it (enough joins for the JIT to compile the join path at its higher tiers; after only 200, about 2 MB of Bun's own compiler code was still paged in while the sockets were opened, and counted per socket), then memory, then the sockets, a 1 s pause, and memory again. "Memory" is SIGUSR2 to the server, on which both servers run \`Bun.gc(true)\` and print \`process.memoryUsage()\`; it is done twice 0.5 s apart and the second reading taken. Ours runs with \`LOG_LEVEL=info\` here, since that is how it prints the reading.`,
      "",
    ];
    for (const [count, { bare, ours }] of Object.entries(byCount)) {
      const col = (rs: IdleRun[], k: keyof IdleRun) => rs.map((r) => r[k]);
      const mb = (rs: IdleRun[], k: keyof IdleRun) => `${fmt(median(col(rs, k)) / 2 ** 20, 1)} MB`;
      out.push(
        `### ${int(Number(count))} sockets`,
        "",
        "| figure | baseline | ours | ratio | goal | |",
        "|---|---|---|---|---|---|",
        ratioRow("server RSS per socket (bytes)", col(bare, "bytesPerSocket"), col(ours, "bytesPerSocket"), 0, { max: 1.5 }),
        ratioRow("… of it JS heap (bytes)", col(bare, "heapBytesPerSocket"), col(ours, "heapBytesPerSocket"), 0),
        `| server RSS before → after | ${mb(bare, "rssBefore")} → ${mb(bare, "rssAfter")} | ${mb(ours, "rssBefore")} → ${mb(ours, "rssAfter")} | | | |`,
        ratioRow("time to open them all (s)", col(bare, "connectSeconds"), col(ours, "connectSeconds"), 2),
        ratioRow(`load generator CPU while opening (% of a core, the busiest of ${ours[0]?.generators ?? "?"})`, col(bare, "generatorCpuPercent"), col(ours, "generatorCpuPercent"), 0),
        "",
      );
    }
    const slowest = Object.entries(byCount)
      .map(([count, { ours }]) => `${int(Number(count))}: ${fmt(median(ours.map((r) => r.connectSeconds)), 2)} s`)
      .join(", ");
    // What each server adds per socket from the smaller count to the larger: a step that does
    // not grow with the count shows as the difference between this and the smaller count's figure.
    const [fewer, more] = Object.entries(byCount).sort((a, b) => Number(a[0]) - Number(b[0]));
    const grown = (rs: IdleRun[]) => median(rs.map((r) => r.rssAfter - r.rssBefore));
    const marginal = (k: "bare" | "ours") => (grown(more![1][k]) - grown(fewer![1][k])) / (Number(more![0]) - Number(fewer![0]));
    /** What the smaller count grew by beyond its sockets at the marginal cost. */
    const step = (k: "bare" | "ours") => grown(fewer![1][k]) - marginal(k) * Number(fewer![0]);
    if (fewer && more) {
      out.push(
        `From ${int(Number(fewer[0]))} to ${int(Number(more[0]))} sockets each further socket costs the baseline ${int(marginal("bare"))} bytes of RSS and ours ${int(marginal("ours"))} (${marginal("ours") <= marginal("bare") ? "no more than the baseline" : `${fmt(marginal("ours") / marginal("bare"), 2)} × the baseline's`}), so ours' figure at ${int(Number(fewer[0]))} holds a step of about ${fmt(step("ours") / 2 ** 20, 1)} MB (the baseline's: ${fmt(step("bare") / 2 ** 20, 1)} MB) that does not grow with the count. In a one-off reading of ours in-process (2026-12-03: \`heapStats()\` of \`bun:jsc\` and \`Bun.generateHeapSnapshot()\` around 10,000 sockets opened the same way), the collector's heap capacity grew by 1,180–1,230 bytes per socket (two runs) while what is live grew by about 690: the step is room the heap grew into while the joins ran, kept after the collection. What is live per socket, by that snapshot: its connection's state (224 bytes), Bun's socket object (105, as in the baseline), the entries of two room maps (the registry's and the node's view, 131 together), the seat (64), the registry's record of it and half a room's view (73), its id and room name (50), and the rooms' arrays (16).`,
        "",
      );
    }
    out.push(
      `Nothing is timed here: memory is read with every socket open and idle, so the generators cannot bound the figures. They do bound the time to open: past about ${int(Math.floor(ports / 2))} sockets from one address (the even half of the ephemeral range, which Linux hands to connect() first) each further connect() searches for a free port in the kernel, and the generator doing it runs at a full core (${slowest}).`,
      "",
    );
    return out;
  },
};
