/** Writes docs/benchmarks.md from the stored results, section by section. */
import type { Section } from "./section.ts";

export interface Stored {
  date: string;
  command: string;
  result: unknown;
}

export interface Results {
  machine: Record<string, unknown>;
  /** The command and date of the latest run, and what it ran. */
  last: { date: string; command: string; seconds: number };
  sections: Record<string, Stored>;
}

export function renderReport(sections: Section[], r: Results): string {
  const m = r.machine;
  const out = [
    "# Benchmarks",
    "",
    "Run with `bun run bench` (every section; a few minutes) or a part, e.g. `bun run bench -- --only relay,idle` (`--only signaling` or `--only browser` for a group, `--only recovery` for the recovery runs alone; `--rounds 5` to repeat more). A part updates its own sections here and keeps the others.",
    "",
    "Every figure that has a baseline is shown against it as a ratio, the baseline measured in the same run: these machines are shared and noisy. Each measurement is repeated (3 rounds unless said otherwise), the baseline and ours alternating which goes first; a figure is the median of the rounds, with the lowest and highest in small print, and the ratio is of the medians, with the range of the per-round ratios. Load generators are processes of their own, on loopback; the server is a process of its own too, started fresh for each run. The raw samples are in `bench/results.json`.",
    "",
    `Machine: ${m.cpus} · ${m.memoryGiB} GiB · Bun ${m.bun} · ${m.kernel}${m.chromium ? ` · ${m.chromium}` : ""}${m.firefox ? ` · ${m.firefox}` : ""} · load average ${m.loadAverage} at the start`,
    "",
    `Last run: ${r.last.date}, \`${r.last.command}\`, ${Math.round(r.last.seconds)} s.`,
    "",
  ];
  const goals = sections.flatMap((s) => (r.sections[s.name] && s.goals ? s.goals(r.sections[s.name]!.result) : []));
  if (goals.length > 0) {
    out.push(
      "## Goals at a glance",
      "",
      "| figure | baseline | ours | ratio | goal | |",
      "|---|---|---|---|---|---|",
      ...goals.map((g) => `| ${g.figure} | ${g.baseline} | ${g.ours} | ${g.ratio} | ${g.goal} | ${g.ok ? "pass" : "**miss**"} |`),
      "",
      "Each is explained, with its spread, bottleneck and the processes' CPU, in its section below.",
      "",
    );
  }
  for (const s of sections) {
    const stored = r.sections[s.name];
    if (!stored) continue;
    const results = Object.fromEntries(Object.entries(r.sections).map(([k, v]) => [k, v.result]));
    const lines = s.render(stored.result, results);
    // A section from an earlier run than the last says when it was measured.
    if (stored.date !== r.last.date || stored.command !== r.last.command) lines.splice(2, 0, `_Measured ${stored.date} by \`${stored.command}\`._`, "");
    out.push(...lines);
  }
  return out.join("\n");
}
