/**
 * What `MIMALLOC_PURGE_DELAY=10000` (set by `bun run start`, and given to every server in the
 * other sections) buys: ours at a quarter of the bare relay's most, for each kind of frame,
 * with that setting and without it (Bun's allocator then gives freed memory back to the
 * system a few milliseconds after it is freed), alternating, each run on a fresh server.
 */
import { alternate } from "../lib/rounds.ts";
import type { Section } from "../lib/section.ts";
import { RUNTIME_ENV } from "../lib/servers.ts";
import { median } from "../lib/stats.ts";
import { fmt, int } from "../lib/table.ts";
import { FRAME_KINDS } from "../load/frames.ts";
import { pacedLoad, type PacedRun } from "./relay-paced.ts";

const PARAMS = { pairs: 100, seconds: 4, warmupSeconds: 1, window: 2, load: 0.25 };
const SETTINGS = ["kept", "default"] as const;
type Setting = (typeof SETTINGS)[number];
/** The environment of each: "default" leaves the variable unset, as Bun runs without it. */
const ENV: Record<Setting, Record<string, string | undefined>> = { kept: RUNTIME_ENV, default: { MIMALLOC_PURGE_DELAY: undefined } };

interface AllocatorResult {
  params: typeof PARAMS;
  byFrame: Record<string, { rate: number; runs: Record<Setting, PacedRun[]> }>;
}

const m = (runs: PacedRun[], k: keyof PacedRun) => median(runs.map((r) => r[k]));

export const allocator: Section<AllocatorResult> = {
  name: "allocator",
  groups: ["signaling"],
  async run({ rounds, log }) {
    const byFrame: AllocatorResult["byFrame"] = {};
    for (const frame of FRAME_KINDS) {
      const capacity = await pacedLoad("bare", {}, { ...PARAMS, rate: 0, frame, tag: `alloc-${frame}-max` });
      const rate = Math.round(capacity.deliveredPerSecond * PARAMS.load);
      const runs = await alternate(SETTINGS, rounds, async (setting, round) => {
        const r = await pacedLoad("ours", ENV[setting], { ...PARAMS, rate, frame, tag: `alloc-${frame}-${setting}-${round}` });
        log(`allocator ${frame} ${setting}`, JSON.stringify(r));
        return r;
      });
      byFrame[frame] = { rate, runs };
    }
    return { params: PARAMS, byFrame };
  },
  render({ params, byFrame }) {
    const out = [
      "## Allocator setting: freed memory kept for reuse",
      "",
      `Ours at ${params.load * 100} % of the most the bare relay sustains with each frame (paced as in the section above, ${params.seconds} s after ${params.warmupSeconds} s), with \`MIMALLOC_PURGE_DELAY=${RUNTIME_ENV.MIMALLOC_PURGE_DELAY}\` (\`bun run start\`: memory freed by Bun's allocator is kept for reuse that many ms) and without it (the allocator's default: freed memory goes back to the system shortly after it is freed), alternating, on a fresh server each run; medians of the rounds. Memory that went back and is used again costs a page fault per 4 KiB page, in the kernel; on this virtual machine one costs several microseconds.`,
      "",
      "| frame | offered msg/s | CPU µs/msg kept · default | kept ÷ default | kernel µs kept · default | page faults/msg kept · default |",
      "|---|---|---|---|---|---|",
    ];
    for (const [frame, { rate, runs }] of Object.entries(byFrame)) {
      const two = (k: keyof PacedRun, d: number) => SETTINGS.map((s) => fmt(m(runs[s], k), d)).join(" · ");
      out.push(
        `| ${frame} | ${int(rate)} | ${two("serverCpuUsPerMessage", 2)} | ${fmt(m(runs.kept, "serverCpuUsPerMessage") / m(runs.default, "serverCpuUsPerMessage"), 2)} × | ${two("serverSystemUsPerMessage", 2)} | ${two("serverFaultsPerMessage", 3)} |`,
      );
    }
    out.push("");
    return out;
  },
};
