/**
 * The run loop of a recovery fault that needs one server and one browser for all its runs:
 * each run on its own (a failed run is kept, with why), logged as it ends.
 */
import type { Browser } from "playwright-core";
import { launchBrowser } from "../../test/support/browsers/browser.ts";
import { type ServerProcess, spawnServer } from "../../test/support/services/server-process.ts";

/** What every run of such a fault reports. */
export interface TimedRun {
  ok: boolean;
  error?: string;
  decodedMs?: number | null;
  recoveredMs?: number;
}

export async function runsOnOneServer<R extends TimedRun>(
  what: string,
  runs: number,
  log: (...xs: unknown[]) => void,
  oneRun: (browser: Browser, server: ServerProcess, i: number) => Promise<R>,
): Promise<R[]> {
  const server = await spawnServer({ LOG_LEVEL: "error" });
  const out: R[] = [];
  try {
    const browser = await launchBrowser();
    try {
      for (let i = 0; i < runs; i++) {
        const run = await oneRun(browser, server, i).catch((err) => ({ ok: false, error: String(err?.message ?? err) }) as R);
        log(`recovery: ${what} ${i + 1}/${runs}`, run.ok ? `decoded ${run.decodedMs} ms, moving ${run.recoveredMs} ms` : `FAILED: ${run.error}`);
        out.push(run);
      }
    } finally {
      await browser.close();
    }
  } finally {
    await server.stop();
  }
  return out;
}
