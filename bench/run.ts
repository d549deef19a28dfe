/**
 * The benchmark suite: `bun run bench` (all), or `bun run bench -- --only relay,join`.
 * Sections: relay, join, idle, churn, load, fuzz, browser, bundle. Every server figure is
 * measured against a baseline (the bare relay, or the unloaded run) in the same run, with
 * the load generator as its own process on loopback. Results are merged into
 * bench/results.json and docs/benchmarks.md is written from it.
 */
import * as os from "node:os";
import { bundleSizes } from "./bundle-size.ts";
import { setupTimeBench } from "./browser/setup-time.ts";
import { fuzzBench } from "./fuzz.ts";
import { type BenchServer, ROOT, rssBytes, runLoad, startServer } from "./lib/processes.ts";
import { median } from "./lib/stats.ts";
import { writeReport } from "./report.ts";

const ROUNDS = 3;
const onlyAt = process.argv.findIndex((a) => a === "--only" || a.startsWith("--only="));
const only = onlyAt < 0 ? undefined : (process.argv[onlyAt]!.split("=")[1] ?? process.argv[onlyAt + 1]);
const wanted = (name: string) => !only || only.split(",").includes(name);
const resultsFile = `${ROOT}/bench/results.json`;
const results: Record<string, unknown> = (await Bun.file(resultsFile).exists()) ? await Bun.file(resultsFile).json() : {};

const log = (...xs: unknown[]) => console.error("bench:", ...xs);
const kinds = ["bare", "ours"] as const;

async function withServer<T>(kind: "ours" | "bare", env: Record<string, string>, f: (s: BenchServer) => Promise<T>): Promise<T> {
  const s = await startServer(kind, env);
  try {
    return await f(s);
  } finally {
    await s.stop();
  }
}

type Relay = { messagesPerSecond: number; rttP50: number; rttP99: number; serverCpuUsPerMessage: number; serverCpuPercent: number; generatorCpuPercent: number };
const medians = (rs: Relay[]) =>
  Object.fromEntries((Object.keys(rs[0]!) as (keyof Relay)[]).filter((k) => typeof rs[0]![k] === "number").map((k) => [k, median(rs.map((r) => r[k]))]));

if (wanted("relay")) {
  const out: Record<string, unknown> = {};
  for (const pairs of [100, 1000]) {
    const runs: Record<string, Relay[]> = { bare: [], ours: [] };
    for (let round = 0; round < ROUNDS; round++) {
      for (const kind of round % 2 ? [...kinds].reverse() : kinds) {
        const r = await withServer(kind, {}, (s) =>
          runLoad<Relay>("bench/load/relay.ts", { kind, url: s.wsUrl, serverPid: s.proc.pid, pairs, seconds: 4, warmupSeconds: 1, window: 2, sdpBytes: 1024, tag: `${round}` }),
        );
        log(`relay P=${pairs} ${kind}`, JSON.stringify(r));
        runs[kind]!.push(r);
      }
    }
    out[`P${pairs}`] = { bare: medians(runs.bare!), ours: medians(runs.ours!), samples: runs };
  }
  results.relay = out;
}

if (wanted("join")) {
  type Join = { p50: number; p99: number; allJoinedSeconds: number; generatorCpuPercent: number };
  const runs: Record<string, Join[]> = { bare: [], ours: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const kind of kinds) {
      const r = await withServer(kind, {}, (s) => runLoad<Join>("bench/load/join.ts", { kind, url: s.wsUrl, pairs: 1000, tag: `${round}` }));
      log(`join ${kind}`, JSON.stringify(r));
      runs[kind]!.push(r);
    }
  }
  const m = (rs: Join[]) => ({ p50: median(rs.map((r) => r.p50)), p99: median(rs.map((r) => r.p99)), generatorCpuPercent: median(rs.map((r) => r.generatorCpuPercent)) });
  results.join = { pairs: 1000, bare: m(runs.bare!), ours: m(runs.ours!), samples: runs };
}

if (wanted("idle")) {
  /** Opens `count` sockets through generator processes of at most PER_PROCESS each; measures after a full GC. */
  const PER_PROCESS = 9500;
  const measure = (kind: "ours" | "bare", count: number) =>
    withServer(kind, {}, async (s) => {
      const before = await s.memory();
      const holders = [];
      for (let i = 0; i < count; i += PER_PROCESS) {
        const n = Math.min(PER_PROCESS, count - i);
        const proc = Bun.spawn(["bun", "bench/load/hold.ts", JSON.stringify({ kind, url: s.wsUrl, count: n, tag: `${i}` })], {
          cwd: ROOT,
          stdin: "pipe",
          stdout: "pipe",
          stderr: "inherit",
        });
        const reader = proc.stdout.getReader();
        const { value } = await reader.read();
        if (!String(new TextDecoder().decode(value)).includes("ready")) throw new Error("holder failed");
        holders.push(proc);
      }
      await Bun.sleep(1000);
      const after = await s.memory();
      const health = kind === "ours" ? await (await fetch(`http://127.0.0.1:${s.port}/healthz`)).json() : null;
      for (const h of holders) {
        h.stdin.write("stop\n");
        h.stdin.end();
      }
      await Promise.all(holders.map((h) => h.exited));
      const r = { count, rssBefore: before.rss, rssAfter: after.rss, bytesPerConnection: (after.rss - before.rss) / count, heapPerConnection: (after.heapUsed - before.heapUsed) / count, health };
      log(`idle ${kind} ${count}`, JSON.stringify(r));
      return r;
    });
  const out: Record<string, unknown> = {};
  for (const count of [10_000, 19_000]) out[`N${count}`] = { bare: await measure("bare", count), ours: await measure("ours", count) };
  results.idle = out;
}

if (wanted("churn")) {
  results.churn = await withServer("ours", {}, async (s) => {
    // Warm up first (JIT, maps grown once); "start" is the server after that.
    await runLoad("bench/load/churn.ts", { url: s.wsUrl, connections: 100, cycles: 100 });
    const start = await s.memory();
    const startRss = await rssBytes(s.proc.pid);
    const r = await runLoad<{ cycles: number; seconds: number; generatorCpuPercent: number }>("bench/load/churn.ts", { url: s.wsUrl, connections: 100, cycles: 1000 });
    await Bun.sleep(500);
    const end = await s.memory();
    const out = { cycles: r.cycles, seconds: r.seconds, generatorCpuPercent: r.generatorCpuPercent, rssStart: start.rss, rssEnd: end.rss, heapStart: start.heapUsed, heapEnd: end.heapUsed, startRssNoGc: startRss };
    log("churn", JSON.stringify(out));
    return out;
  });
}

if (wanted("load")) {
  // Pairs relay as in the relay bench, under a per-connection limit they stay within; the
  // flooder does not. It starts once the pairs are connected (they share its address, and a
  // flooding address may not open new sockets for FLOOD_BAN_SECONDS) and keeps hammering,
  // reconnecting at once, through the whole measurement. "no ban" shows what the ban buys.
  const base = { RATE_LIMIT_PER_SECOND: "5000", RATE_LIMIT_BURST: "1000" };
  const modes = {
    quiet: { env: base, flood: false },
    flooded: { env: base, flood: true },
    "flooded, no ban": { env: { ...base, FLOOD_BAN_SECONDS: "0" }, flood: true },
  } as const;
  const runs: Record<string, Relay[]> = { quiet: [], flooded: [], "flooded, no ban": [] };
  const floods: Record<string, unknown> = {};
  for (let round = 0; round < ROUNDS; round++) {
    for (const [mode, m] of Object.entries(modes)) {
      const r = await withServer("ours", m.env, async (s) => {
        const relay = runLoad<Relay>("bench/load/relay.ts", { kind: "ours", url: s.wsUrl, serverPid: s.proc.pid, pairs: 100, seconds: 4, warmupSeconds: 1.5, window: 2, sdpBytes: 1024, tag: `${mode.replace(/\W+/g, "-")}${round}` });
        if (m.flood) {
          await Bun.sleep(1000);
          floods[mode] = await runLoad("bench/load/flood.ts", { url: s.wsUrl, connections: 4, seconds: 5, maxFrames: 100_000_000 });
        }
        return relay;
      });
      log(`load ${mode}`, JSON.stringify(r));
      runs[mode]!.push(r);
    }
  }
  results.load = Object.fromEntries([...Object.keys(modes).map((k) => [k, medians(runs[k]!)]), ["flood", floods], ["samples", runs]]);
}

if (wanted("fuzz")) {
  results.fuzz = await fuzzBench(100_000);
  log("fuzz", JSON.stringify(results.fuzz));
}

if (wanted("browser")) {
  results.browser = await withServer("ours", {}, (s) => setupTimeBench(`http://127.0.0.1:${s.port}`, 12));
  log("browser", JSON.stringify(results.browser));
}

if (wanted("bundle")) {
  results.bundle = await bundleSizes();
  log("bundle", JSON.stringify(results.bundle));
}

const chromium = Bun.spawnSync(["/usr/bin/chromium", "--version"]).stdout.toString().trim();
results.machine = {
  date: new Date().toISOString().slice(0, 10),
  cpus: `${os.cpus().length} × ${os.cpus()[0]?.model ?? "?"}`,
  memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  bun: Bun.version,
  kernel: os.release(),
  chromium,
  command: `bun run bench${only ? ` -- --only ${only}` : ""}`,
};
await Bun.write(resultsFile, JSON.stringify(results, null, 2) + "\n");
await writeReport(results, `${ROOT}/docs/benchmarks.md`);
log("wrote bench/results.json and docs/benchmarks.md");
process.exit(0);
