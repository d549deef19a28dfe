/** Call set-up in headless Chromium and headless Firefox against the real server: time to the first remote frame. */
import { withEarlierTree } from "../lib/earlier-tree.ts";
import type { Section } from "../lib/section.ts";
import { withServer } from "../lib/servers.ts";
import { fmt, verdict } from "../lib/table.ts";
import { type BenchBrowser, chromiumBench, firefoxBench } from "./bench-browser.ts";
import { setupTimeBench } from "./setup-time.ts";
import { turnSetupBench } from "./turn-setup.ts";

const RUNS = 12;

type SetupTimes = Awaited<ReturnType<typeof setupTimeBench>>;

/**
 * The last revision before the in-call features (lobby, devices, chat, quality, active
 * speaker): the two-page set-up is measured against it in the same run, which they must not slow.
 */
const EARLIER = { rev: "452328c76b3fb2fa987036e530d851c05e79b9cb", short: "452328c" };

/** Each browser in turn against the same server (and the earlier revision's): its own baseline, its own component figures. */
async function inEachBrowser(serverUrl: string, earlierUrl?: string) {
  const measure = async (launch: () => Promise<BenchBrowser>) => {
    const browser = await launch();
    try {
      return await setupTimeBench(browser, serverUrl, RUNS, earlierUrl);
    } finally {
      await browser.close();
    }
  };
  return { chromium: await measure(chromiumBench), firefox: await measure(firefoxBench) };
}

/** Against the earlier revision, "no worse within noise": the spread of medians of 12 runs on these machines. */
const GOALS = { loopbackDemo: 1.1, twoPages: 1.5, againstEarlier: 1.1 };

export const browser: Section<{ chromium: SetupTimes; firefox: SetupTimes }> = {
  name: "browser",
  groups: ["browser"],
  run: () =>
    withServer("ours", {}, async (s) => {
      const url = `http://127.0.0.1:${s.port}`;
      const both = await withEarlierTree(EARLIER.rev, (root) => withServer("ours", {}, (e) => inEachBrowser(url, `http://127.0.0.1:${e.port}`), { root }));
      return both ?? inEachBrowser(url);
    }),
  goals(w) {
    return (["chromium", "firefox"] as const).flatMap((b) => {
      const r = w[b];
      const name = b === "chromium" ? "Chromium" : "Firefox";
      const row = (figure: string, ms: number, max: number) => ({ figure: `${figure}, ${name} (ms)`, baseline: fmt(r.raw, 0), ours: fmt(ms, 0), ratio: `${fmt(ms / r.raw, 2)} ×`, goal: `≤ ${max} ×`, ok: ms / r.raw <= max });
      const then = r.twoPagesEarlier ?? null;
      const earlier = {
        figure: `call set-up, two pages, against ${EARLIER.short} (before the in-call features), ${name} (ms)`,
        baseline: then === null ? "not measured" : fmt(then, 0),
        ours: fmt(r.twoPages, 0),
        ratio: then === null ? "" : `${fmt(r.twoPages / then, 2)} ×`,
        goal: `≤ ${GOALS.againstEarlier} ×`,
        ok: then !== null && r.twoPages / then <= GOALS.againstEarlier,
      };
      return [row("call set-up, `<loopback-demo>`", r.loopbackDemo, GOALS.loopbackDemo), row("call set-up, two pages through the server", r.twoPages, GOALS.twoPages), earlier];
    });
  },
  render(w) {
    const { chromium: c, firefox: f } = w;
    const cell = (r: SetupTimes, ms: number, goal?: number) => `${fmt(ms, 0)} | ${fmt(ms / r.raw, 2)} ×${goal ? ` ${verdict(ms / r.raw <= goal)}` : ""}`;
    return [
      "## Call set-up (headless Chromium and headless Firefox ESR, fake camera)",
      "",
      `Time from the start of a call to the first remote frame on screen (requestVideoFrameCallback), median of ${c.runs} interleaved runs in each browser; each browser's figures are against its own baseline (a). In (c) both pages are of the same browser: Chromium↔Chromium, Firefox↔Firefox (their cross-browser call is tested end to end, not timed).`,
      "",
      "| variant | Chromium ms | ratio to (a) | Firefox ms | ratio to (a) | goal |",
      "|---|---|---|---|---|---|",
      `| (a) raw two-RTCPeerConnection loopback, no component (baseline) | ${cell(c, c.raw)} | ${cell(f, f.raw)} | |`,
      `| (b) \`<loopback-demo>\`, Call → first frame | ${cell(c, c.loopbackDemo, GOALS.loopbackDemo)} | ${cell(f, f.loopbackDemo, GOALS.loopbackDemo)} | ≤ ${GOALS.loopbackDemo} × |`,
      `| (c) two pages through the server, newcomer seated with its camera on → first remote frame (the camera starts once the seat is had, so a full room never lights it) | ${cell(c, c.twoPages, GOALS.twoPages)} | ${cell(f, f.twoPages, GOALS.twoPages)} | ≤ ${GOALS.twoPages} × |`,
      c.twoPagesEarlier != null && f.twoPagesEarlier != null
        ? `| (c′) the same with the server and components of ${EARLIER.short}, the last revision before the lobby, devices, chat, connection quality and active speaker, in the same runs (alternating with (c)) | ${cell(c, c.twoPagesEarlier)} | ${cell(f, f.twoPagesEarlier)} | |`
        : `| (c′) the same with ${EARLIER.short}: not measured (its files were not at hand from git) | | | | | |`,
      "",
      c.twoPagesEarlier != null && f.twoPagesEarlier != null
        ? `(c) against (c′): Chromium ${fmt(c.twoPages / c.twoPagesEarlier, 2)} × ${verdict(c.twoPages / c.twoPagesEarlier <= GOALS.againstEarlier)}, Firefox ${fmt(f.twoPages / f.twoPagesEarlier, 2)} × ${verdict(f.twoPages / f.twoPagesEarlier <= GOALS.againstEarlier)} (goal: ≤ ${GOALS.againstEarlier} ×, no slower than before the in-call features, within the noise of a median of ${c.runs} runs).`
        : "",
      "",
      `Runs of (c) tried again in a fresh room because the first page's fake camera did not start within 20 s: ${c.retried ?? 0} in Chromium, ${f.retried ?? 0} in Firefox.`,
      "",
    ];
  },
};

const TURN_RUNS = 12;

export const turn: Section<Awaited<ReturnType<typeof turnSetupBench>>> = {
  name: "turn",
  groups: ["browser"],
  run: () => turnSetupBench(TURN_RUNS),
  render(w) {
    const stats = (xs: number[]) => `${fmt(Math.min(...xs), 0)} – ${fmt(Math.max(...xs), 0)}`;
    return [
      "## Call set-up through TURN (headless Chromium, a real coturn on loopback)",
      "",
      `Two pages through the server, the newcomer seated with its camera on → first remote frame, median of ${w.runs} interleaved runs: direct (no ICE servers) against relay-only through coturn (\`ICE_TRANSPORT_POLICY=relay\`, credentials from \`TURN_SECRET\`).`,
      "",
      "| path | median ms | range ms | ratio |",
      "|---|---|---|---|",
      `| direct | ${fmt(w.direct, 0)} | ${stats(w.samples.direct)} | 1.00 × |`,
      `| relayed through TURN | ${fmt(w.relay, 0)} | ${stats(w.samples.relay)} | ${fmt(w.relay / w.direct, 2)} × |`,
      "",
    ];
  },
};
