/**
 * One benchmark of the suite: how to run it and how to show its result. The runner knows
 * sections only through this, so a new benchmark (browser, say) is one more module.
 */
export interface RunContext {
  /** Repeats of each measurement (baseline and ours alternate within them). */
  rounds: number;
  log(...xs: unknown[]): void;
}

/** One goal's outcome, for the summary at the top of the report. */
export interface GoalRow {
  figure: string;
  baseline: string;
  ours: string;
  ratio: string;
  goal: string;
  ok: boolean;
}

export interface Section<R = any> {
  /** Its name for `--only`. */
  name: string;
  /** Wider names it also answers to, e.g. "signaling". */
  groups: string[];
  run(ctx: RunContext): Promise<R>;
  /** Markdown for docs/benchmarks.md: a heading and its tables; `all` holds every section's result, for cross-reference. */
  render(result: R, all: Record<string, unknown>): string[];
  /** Its goals and whether they were met, if it has any. */
  goals?(result: R): GoalRow[];
}
