/**
 * The benchmark suite. `bun run bench` runs every section; `bun run bench -- --only relay,join`
 * a part (a section's name or a group: signaling, browser); `--rounds N` repeats more;
 * `--list` names them. Results are merged into bench/results.json (a part keeps the other
 * sections' last results) and docs/benchmarks.md is written from it.
 */
import { browser, turn } from "./browser/section.ts";
import { bundle } from "./bundle/section.ts";
import { machine } from "./lib/machine.ts";
import { renderReport, type Results } from "./lib/report.ts";
import type { Section } from "./lib/section.ts";
import { ROOT } from "./lib/servers.ts";
import { micro } from "./micro/section.ts";
import { recovery } from "./recovery/section.ts";
import { churn } from "./server/churn.ts";
import { cluster } from "./server/cluster.ts";
import { costly } from "./server/costly.ts";
import { flood } from "./server/flood.ts";
import { fuzz } from "./server/fuzz.ts";
import { idle } from "./server/idle.ts";
import { join } from "./server/join.ts";
import { relay } from "./server/relay.ts";
import { relayPaced } from "./server/relay-paced.ts";
import { allocator } from "./server/allocator.ts";

/** In the order they run and appear in the report. */
const SECTIONS: Section[] = [relay, relayPaced, allocator, join, idle, churn, micro, flood, costly, fuzz, cluster, browser, turn, recovery, bundle];

function option(name: string): string | undefined {
  const at = process.argv.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (at < 0) return undefined;
  return process.argv[at]!.includes("=") ? process.argv[at]!.split("=")[1] : process.argv[at + 1];
}

if (process.argv.includes("--list")) {
  for (const s of SECTIONS) console.log(`${s.name}\t${s.groups.join(",")}`);
  process.exit(0);
}

const only = option("--only")?.split(",").filter(Boolean);
const unknown = only?.filter((n) => !SECTIONS.some((s) => s.name === n || s.groups.includes(n)));
if (unknown?.length) {
  console.error(`bench: no section or group ${unknown.join(", ")}; try --list`);
  process.exit(2);
}
const rounds = Math.max(1, Number(option("--rounds") ?? 3));
const chosen = SECTIONS.filter((s) => !only || only.includes(s.name) || s.groups.some((g) => only.includes(g)));

const resultsFile = `${ROOT}/bench/results.json`;
const stored = (await Bun.file(resultsFile).exists()) ? ((await Bun.file(resultsFile).json()) as Partial<Results>) : {};
const command = `bun run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`;
const date = `${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC`;
const results: Results = {
  machine: machine(),
  last: { date, command, seconds: 0 },
  sections: stored.sections ?? {},
};

const log = (...xs: unknown[]) => console.error("bench:", ...xs);
const started = performance.now();
let failed = false;
for (const s of chosen) {
  const t0 = performance.now();
  log(`${s.name}…`);
  try {
    results.sections[s.name] = { date, command, result: await s.run({ rounds, log }) };
    log(`${s.name} done in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  } catch (err) {
    // The other sections still run; the stored result of this one stays as it was.
    failed = true;
    log(`${s.name} FAILED:`, err);
  }
}
results.last.seconds = (performance.now() - started) / 1000;

await Bun.write(resultsFile, JSON.stringify(results, null, 2) + "\n");
await Bun.write(`${ROOT}/docs/benchmarks.md`, renderReport(SECTIONS, results));
log(`wrote bench/results.json and docs/benchmarks.md in ${results.last.seconds.toFixed(0)} s`);
process.exit(failed ? 1 : 0);
