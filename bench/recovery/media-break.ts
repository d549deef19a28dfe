/**
 * (b) The media path breaks: page b runs in a network namespace of its own, and nftables
 * there drops all of its UDP and TCP but signaling for `downMs`; then the rules go. Timed:
 * from the restore until both sides present the other's frames again, and whether the
 * element restarted ICE or rebuilt the connection meanwhile.
 */
import type { Browser, Page } from "playwright-core";
import { launchBrowser, secureOrigins } from "../../test/support/browsers/browser.ts";
import { createNetns, type Netns } from "../../test/support/services/netns.ts";
import { spawnServer } from "../../test/support/services/server-process.ts";
import { bothSidesRecovered } from "./both-sides.ts";
import { framesBetween, recorded, STEADY_FRAMES } from "./page-record.ts";
import { sideReport } from "./side-report.ts";
import { openTwoPageCall, waitFor } from "./two-page-call.ts";

export interface BreakRun {
  ok: boolean;
  error?: string;
  /** Restore → frames decoded again at both sides, and → a moving picture at both (see both-sides.ts). */
  decodedMs?: number | null;
  recoveredMs?: number;
  /** The slower side: a (outside) or b (in the namespace). */
  slower?: "a" | "b";
  iceRestarts?: number;
  rebuilds?: number;
  /** Either page left `connected` while the path was down. */
  leftConnected?: boolean;
  /** b's selected candidate pair before the fault, local → remote. */
  pair?: string;
}

/** b's selected candidate pair, as addresses. */
const selectedPair = (p: Page) =>
  p.evaluate(async () => {
    const el = document.querySelector("video-call") as unknown as { getStats(): Promise<Map<string, RTCStatsReport>> };
    for (const report of (await el.getStats()).values()) {
      for (const s of report.values()) {
        if (s.type !== "transport" || !s.selectedCandidatePairId) continue;
        const pair = report.get(s.selectedCandidatePairId);
        const local = report.get(pair.localCandidateId);
        const remote = report.get(pair.remoteCandidateId);
        return { local: String(local?.address), remote: String(remote?.address), protocol: String(local?.protocol) };
      }
    }
    return null;
  });

async function oneRun(hostBrowser: Browser, nsBrowser: Browser, ns: Netns, url: string, port: number, downMs: number, i: number): Promise<BreakRun> {
  const call = await openTwoPageCall({ a: hostBrowser, b: nsBrowser, urlA: url, urlB: url, room: `break-${Date.now().toString(36)}-${i}` });
  try {
    const pair = await waitFor(() => selectedPair(call.b), "a selected candidate pair at b", 5000);
    // Media must cross the veth, or the fault would break nothing.
    if (pair.local !== ns.address) throw new Error(`media does not cross the namespace's veth: ${pair.local} → ${pair.remote}`);
    const cut = Date.now();
    // A picture that had already stopped would fail the run for what is no recovery problem.
    for (const [side, page] of [["a", call.a], ["b", call.b]] as const) {
      const shown = framesBetween(await recorded(page), cut - 1000, cut).length;
      if (shown < STEADY_FRAMES) throw new Error(`${side}'s picture had stopped before the fault: ${shown} frames presented in the second before it (${await sideReport(page, cut)})`);
    }
    await ns.breakMedia(port);
    try {
      await Bun.sleep(downMs);
    } finally {
      await ns.restoreMedia();
    }
    const restored = Date.now();
    const [ra, rb] = [await recorded(call.a), await recorded(call.b)];
    // The fault took: nothing presented at either side from a second into it until the restore.
    if (framesBetween(ra, cut + 1000, restored).length + framesBetween(rb, cut + 1000, restored).length > 0) {
      throw new Error(`new frames kept coming while the path was down (re-presented frames, not counted: ${ra.repeated + rb.repeated})`);
    }
    const sides = await bothSidesRecovered(call, restored, { reportFrom: cut });
    if (sides.problem) return { ok: false, decodedMs: sides.decodedMs, error: `${sides.problem} (times from the start of the outage; restored at +${restored - cut} ms)` };
    const [ea, eb] = [await recorded(call.a), await recorded(call.b)];
    const recoveries = [...ea.recoveries, ...eb.recoveries].filter((r) => r.t >= cut);
    return {
      ok: true,
      decodedMs: sides.decodedMs,
      recoveredMs: sides.movingMs!,
      slower: sides.slower!,
      iceRestarts: recoveries.filter((r) => r.action === "ice-restart").length,
      rebuilds: recoveries.filter((r) => r.action === "rebuild").length,
      leftConnected: [...ea.states, ...eb.states].some((s) => s.t >= cut && s.state !== "connected"),
      pair: `${pair.local} → ${pair.remote} (${pair.protocol})`,
    };
  } finally {
    await call.close();
  }
}

/** `runs` runs for each outage length in `downs` (ms), interleaved. */
export async function mediaBreakRuns(runs: number, downs: number[], log: (...xs: unknown[]) => void): Promise<Record<string, BreakRun[]>> {
  const ns = await createNetns();
  const out: Record<string, BreakRun[]> = Object.fromEntries(downs.map((d) => [String(d), []]));
  try {
    // Where the namespace can reach it: the host's end of the veth.
    const server = await spawnServer({ HOST: ns.hostAddress, LOG_LEVEL: "error" });
    try {
      // A page on http://10.77.x.1 is not a secure context: no camera without this.
      const flag = secureOrigins(server.url);
      const hostBrowser = await launchBrowser([flag]);
      try {
        const nsBrowser = await ns.launchBrowser([flag]);
        for (let i = 0; i < runs; i++) {
          for (const downMs of downs) {
            const run = await oneRun(hostBrowser, nsBrowser, ns, server.url, server.port, downMs, i).catch((err): BreakRun => ({ ok: false, error: String(err?.message ?? err) }));
            log(`recovery: media down ${downMs} ms, ${i + 1}/${runs}`, run.ok ? `decoded ${run.decodedMs} ms, moving ${run.recoveredMs} ms, ice restarts ${run.iceRestarts}, rebuilds ${run.rebuilds}` : `FAILED: ${run.error}`);
            out[String(downMs)]!.push(run);
          }
        }
      } finally {
        await hostBrowser.close();
      }
    } finally {
      await server.stop();
    }
  } finally {
    await ns.remove();
  }
  return out;
}
