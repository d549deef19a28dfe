/**
 * (c) A peer's page reloads mid-call: b reloads (its socket goes with the old document, and
 * b comes back as a new peer); timed from the reload until both pages show the other's
 * moving picture again, a from the new b.
 */
import type { Browser } from "playwright-core";
import { launchBrowser } from "../../test/support/browser.ts";
import { type ServerProcess, spawnServer } from "../../test/support/server-process.ts";
import { movingAgainAt } from "./page-record.ts";
import { sideReport } from "./side-report.ts";
import { openTwoPageCall, selfIdOf, waitFor } from "./two-page-call.ts";

export interface ReloadRun {
  ok: boolean;
  error?: string;
  /** Reload → both sides show the other's moving picture. */
  recoveredMs?: number;
  slower?: "a" | "b";
  /** Remote videos at a afterwards (1 unless the old b's tile stayed). */
  tilesAtA?: number;
}

const RECOVER_WITHIN_MS = 30_000;

async function oneRun(browser: Browser, server: ServerProcess, i: number): Promise<ReloadRun> {
  const call = await openTwoPageCall({ a: browser, b: browser, urlA: server.url, urlB: server.url, room: `reload-${Date.now().toString(36)}-${i}` });
  try {
    const oldB = (await selfIdOf(call.b)) ?? "";
    const reloaded = Date.now();
    await call.b.reload();
    const [at, bt] = await waitFor(
      async () => {
        // a must see the new b, not the old one's last frames.
        const both = [await movingAgainAt(call.a, reloaded, oldB), await movingAgainAt(call.b, reloaded)];
        return both.every((t) => t !== null) ? (both as number[]) : null;
      },
      "moving picture at both sides after the reload",
      RECOVER_WITHIN_MS,
      100,
    ).catch(async (err) => {
      throw new Error(`${err.message}. a: ${await sideReport(call.a, reloaded)}. b: ${await sideReport(call.b, reloaded)}`);
    });
    const tilesAtA = await call.a.evaluate(() => document.querySelector("video-call")!.shadowRoot!.querySelectorAll("video[part~='remote-video']").length);
    return { ok: true, recoveredMs: Math.max(at!, bt!) - reloaded, slower: at! >= bt! ? "a" : "b", tilesAtA };
  } finally {
    await call.close();
  }
}

export async function pageReloadRuns(runs: number, log: (...xs: unknown[]) => void): Promise<ReloadRun[]> {
  const server = await spawnServer({ LOG_LEVEL: "error" });
  const out: ReloadRun[] = [];
  try {
    const browser = await launchBrowser();
    try {
      for (let i = 0; i < runs; i++) {
        const run = await oneRun(browser, server, i).catch((err): ReloadRun => ({ ok: false, error: String(err?.message ?? err) }));
        log(`recovery: page reload ${i + 1}/${runs}`, run.ok ? `${run.recoveredMs} ms` : `FAILED: ${run.error}`);
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
