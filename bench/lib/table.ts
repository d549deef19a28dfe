/** Markdown for results: numbers, medians with their spread, ratios against a baseline, goals. */
import type { GoalRow } from "./section.ts";
import { type Summary, summarize } from "./stats.ts";

export const fmt = (n: number, digits = 1) =>
  Number.isFinite(n) ? n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits }) : "–";

export const int = (n: number) => fmt(n, 0);

/** "median (min–max)", or the median alone for a single run. */
export function spread(s: Summary, digits = 1): string {
  if (s.n <= 1 || s.min === s.max) return fmt(s.median, digits);
  return `${fmt(s.median, digits)} <sub>(${fmt(s.min, digits)}–${fmt(s.max, digits)})</sub>`;
}

export type Goal = { max: number } | { min: number };

export const goalText = (g?: Goal) => (!g ? "" : "max" in g ? `≤ ${g.max} ×` : `≥ ${g.min} ×`);
export const meets = (ratio: number, g: Goal) => ("max" in g ? ratio <= g.max : ratio >= g.min);
export const verdict = (ok: boolean) => (ok ? "pass" : "**miss**");

/** Per-round ratios of paired runs: their median and range. */
function ratios(base: number[], ours: number[]): Summary {
  return summarize(ours.map((o, i) => o / base[i]!));
}

/**
 * A table row: figure | baseline | ours | ratio | goal | verdict. The ratio is of the
 * medians; in small print, the range of the per-round ratios (round i of each, paired).
 */
export function ratioRow(figure: string, base: number[], ours: number[], digits: number, goal?: Goal): string {
  const b = summarize(base);
  const o = summarize(ours);
  const ratio = o.median / b.median;
  const paired = ratios(base, ours);
  const ratioText = `${fmt(ratio, 2)} ×${paired.n > 1 ? ` <sub>(${fmt(paired.min, 2)}–${fmt(paired.max, 2)})</sub>` : ""}`;
  return `| ${figure} | ${spread(b, digits)} | ${spread(o, digits)} | ${ratioText} | ${goalText(goal)} | ${goal ? verdict(meets(ratio, goal)) : ""} |`;
}

export const RATIO_HEAD = ["| figure | baseline | ours | ratio | goal | |", "|---|---|---|---|---|---|"];

/** A row with no ratio: for figures where one would mean nothing (counts, the machine's state). */
export function plainRow(figure: string, base: number[], ours: number[], digits: number): string {
  return `| ${figure} | ${spread(summarize(base), digits)} | ${spread(summarize(ours), digits)} | | | |`;
}

/** The summary line of a ratio goal: medians, their ratio, and whether it is met. */
export function goalRow(figure: string, base: number[], ours: number[], digits: number, goal: Goal): GoalRow {
  const b = summarize(base).median;
  const o = summarize(ours).median;
  return { figure, baseline: fmt(b, digits), ours: fmt(o, digits), ratio: `${fmt(o / b, 2)} ×`, goal: goalText(goal), ok: meets(o / b, goal) };
}
