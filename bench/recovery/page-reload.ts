/**
 * (c) A peer's page reloads mid-call: b reloads (its socket goes with the old document, and
 * b comes back as a new peer); timed from the reload until both pages show the other's
 * moving picture again, a from the new b.
 */
import type { Browser } from "playwright-core";
import type { ServerProcess } from "../../test/support/services/server-process.ts";
import { bothSidesRecovered } from "./both-sides.ts";
import { runsOnOneServer } from "./runs.ts";
import { openTwoPageCall, selfIdOf } from "./two-page-call.ts";

export interface ReloadRun {
  ok: boolean;
  error?: string;
  /** Reload → both sides decode the other's video, and → both show the other's moving picture. */
  decodedMs?: number | null;
  recoveredMs?: number;
  slower?: "a" | "b";
  /** Remote videos at a afterwards (1 unless the old b's tile stayed). */
  tilesAtA?: number;
}

async function oneRun(browser: Browser, server: ServerProcess, i: number): Promise<ReloadRun> {
  const call = await openTwoPageCall({ a: browser, b: browser, urlA: server.url, urlB: server.url, room: `reload-${Date.now().toString(36)}-${i}` });
  try {
    const oldB = (await selfIdOf(call.b)) ?? "";
    const reloaded = Date.now();
    await call.b.reload();
    // a must see the new b, not the old one's last frames.
    const sides = await bothSidesRecovered(call, reloaded, { notFromA: oldB });
    if (sides.problem) return { ok: false, decodedMs: sides.decodedMs, error: `${sides.problem} (times from the reload)` };
    const tilesAtA = await call.a.evaluate(() => document.querySelector("video-call")!.shadowRoot!.querySelectorAll("video[part~='remote-video']").length);
    return { ok: true, decodedMs: sides.decodedMs, recoveredMs: sides.movingMs!, slower: sides.slower!, tilesAtA };
  } finally {
    await call.close();
  }
}

export const pageReloadRuns = (runs: number, log: (...xs: unknown[]) => void): Promise<ReloadRun[]> => runsOnOneServer("page reload", runs, log, oneRun);
