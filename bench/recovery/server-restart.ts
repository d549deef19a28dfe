/**
 * (a) The signaling server restarts mid-call: SIGTERM (every socket closed with 1001), then a
 * new process on the same port with the same RESUME_SECRET. The call is peer to peer, so the
 * picture should go on; both pages reconnect and resume their seats.
 */
import type { Browser } from "playwright-core";
import { launchBrowser } from "../../test/support/browsers/browser.ts";
import { freePort, type ServerProcess, spawnServer } from "../../test/support/services/server-process.ts";
import { framesBetween, longestGap, type Recorded, recorded } from "./page-record.ts";
import { openTwoPageCall, selfIdOf, stateOf, waitFor } from "./two-page-call.ts";

export interface RestartRun {
  ok: boolean;
  error?: string;
  /** Server stopped (SIGTERM sent) → the new one answers /healthz; of it, SIGTERM → exited. */
  restartMs?: number;
  stopMs?: number;
  /** Server stopped → both pages `connected` and the occupancy fragment says 2 of 2. */
  backMs?: number;
  /** New server up → the same. */
  backAfterUpMs?: number;
  /** Frames the two receivers together did not present between the fault and `back`, against their rate before it. */
  missingFrames?: number;
  /** Presented frames per second before the fault, and between it and `back` (both receivers' mean). */
  fps?: number;
  fpsMeanwhile?: number;
  /** Longest time between two presented frames at either receiver, during that time and in the 2 s before it. */
  longestGapMs?: number;
  longestGapBeforeMs?: number;
  /** Both pages kept their peer ids (resumed) and never left `connected`. */
  resumed?: boolean;
  stayedConnected?: boolean;
}

const RATE_WINDOW_MS = 2000;
export const BACK_WITHIN_MS = 30_000;
const SECRET = "recovery-bench-resume-secret-0123456789";

/** What one receiver missed in [down, back): frames short of its earlier rate, and its longest gap. */
function receiverFigures(r: Recorded, down: number, back: number) {
  const fps = framesBetween(r, down - RATE_WINDOW_MS, down).length / (RATE_WINDOW_MS / 1000);
  const presented = framesBetween(r, down, back).length;
  const expected = (fps * (back - down)) / 1000;
  return {
    fps,
    fpsMeanwhile: presented / ((back - down) / 1000),
    missing: Math.max(0, Math.round(expected - presented)),
    gap: longestGap(r, down, back),
    gapBefore: longestGap(r, down - RATE_WINDOW_MS, down),
  };
}

async function oneRun(browser: Browser, server: { current: ServerProcess }, env: Record<string, string>, i: number): Promise<RestartRun> {
  const base = server.current.url;
  const call = await openTwoPageCall({ a: browser, b: browser, urlA: base, urlB: base, room: `restart-${Date.now().toString(36)}-${i}` });
  try {
    // A steady rate to compare with.
    await Bun.sleep(RATE_WINDOW_MS + 200);
    const ids = [await selfIdOf(call.a), await selfIdOf(call.b)];
    const down = Date.now();
    await server.current.stop();
    const stopped = Date.now();
    server.current = await spawnServer(env);
    const up = Date.now();
    const occupancy = `${server.current.url}/rooms/${call.room}/occupancy`;
    const back = await waitFor(
      async () => {
        const html = await fetch(occupancy).then((r) => r.text(), () => "");
        if (!html.includes('data-count="2"')) return null;
        const states = await Promise.all([stateOf(call.a), stateOf(call.b)]);
        return states.every((s) => s === "connected") ? Date.now() : null;
      },
      "both pages back in the room",
      BACK_WITHIN_MS,
    );
    const [ra, rb] = [await recorded(call.a), await recorded(call.b)];
    const fa = receiverFigures(ra, down, back);
    const fb = receiverFigures(rb, down, back);
    const left = [...ra.states, ...rb.states].filter((s) => s.t >= down && s.state !== "connected");
    return {
      ok: true,
      restartMs: up - down,
      stopMs: stopped - down,
      backMs: back - down,
      backAfterUpMs: back - up,
      missingFrames: fa.missing + fb.missing,
      fps: (fa.fps + fb.fps) / 2,
      fpsMeanwhile: (fa.fpsMeanwhile + fb.fpsMeanwhile) / 2,
      longestGapMs: Math.max(fa.gap, fb.gap),
      longestGapBeforeMs: Math.max(fa.gapBefore, fb.gapBefore),
      resumed: (await selfIdOf(call.a)) === ids[0] && (await selfIdOf(call.b)) === ids[1],
      stayedConnected: left.length === 0,
    };
  } finally {
    await call.close();
  }
}

export async function serverRestartRuns(runs: number, log: (...xs: unknown[]) => void): Promise<RestartRun[]> {
  const env = { PORT: String(freePort()), RESUME_SECRET: SECRET, LOG_LEVEL: "error" };
  const server = { current: await spawnServer(env) };
  const browser = await launchBrowser();
  const out: RestartRun[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const run = await oneRun(browser, server, env, i).catch((err): RestartRun => ({ ok: false, error: String(err?.message ?? err) }));
      log(`recovery: server restart ${i + 1}/${runs}`, run.ok ? `${run.backMs} ms, ${run.missingFrames} frames missing` : `FAILED: ${run.error}`);
      out.push(run);
      // A run that failed midway may have left no server running.
      if (server.current.proc.exitCode !== null) server.current = await spawnServer(env);
    }
  } finally {
    await browser.close();
    if (server.current.proc.exitCode === null) await server.current.stop();
  }
  return out;
}
