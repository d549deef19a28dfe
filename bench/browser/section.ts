/** Call set-up in headless Chromium against the real server: time to the first remote frame. */
import type { Section } from "../lib/section.ts";
import { withServer } from "../lib/servers.ts";
import { fmt, verdict } from "../lib/table.ts";
import { setupTimeBench } from "./setup-time.ts";
import { turnSetupBench } from "./turn-setup.ts";

const RUNS = 12;

export const browser: Section<Awaited<ReturnType<typeof setupTimeBench>>> = {
  name: "browser",
  groups: ["browser"],
  run: () => withServer("ours", {}, (s) => setupTimeBench(`http://127.0.0.1:${s.port}`, RUNS)),
  goals(w) {
    const row = (figure: string, ms: number, max: number) => ({ figure, baseline: fmt(w.raw, 0), ours: fmt(ms, 0), ratio: `${fmt(ms / w.raw, 2)} ×`, goal: `≤ ${max} ×`, ok: ms / w.raw <= max });
    return [row("call set-up, `<loopback-demo>` (ms)", w.loopbackDemo, 1.1), row("call set-up, two pages through the server (ms)", w.twoPages, 1.5)];
  },
  render(w) {
    return [
      "## Call set-up (headless Chromium, fake camera)",
      "",
      `Time from the start of a call to the first remote frame on screen (requestVideoFrameCallback), median of ${w.runs} interleaved runs.`,
      "",
      "| variant | ms | ratio to (a) | goal | |",
      "|---|---|---|---|---|",
      `| (a) raw two-RTCPeerConnection loopback, no component (baseline) | ${fmt(w.raw, 0)} | 1.00 × | | |`,
      `| (b) \`<loopback-demo>\`, Call → first frame | ${fmt(w.loopbackDemo, 0)} | ${fmt(w.loopbackDemo / w.raw, 2)} × | ≤ 1.1 × | ${verdict(w.loopbackDemo / w.raw <= 1.1)} |`,
      `| (c) two pages through the server, newcomer's \`joined\` → first remote frame | ${fmt(w.twoPages, 0)} | ${fmt(w.twoPages / w.raw, 2)} × | ≤ 1.5 × | ${verdict(w.twoPages / w.raw <= 1.5)} |`,
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
      `Two pages through the server, the newcomer's \`joined\` → first remote frame, median of ${w.runs} interleaved runs: direct (no ICE servers) against relay-only through coturn (\`ICE_TRANSPORT_POLICY=relay\`, credentials from \`TURN_SECRET\`).`,
      "",
      "| path | median ms | range ms | ratio |",
      "|---|---|---|---|",
      `| direct | ${fmt(w.direct, 0)} | ${stats(w.samples.direct)} | 1.00 × |`,
      `| relayed through TURN | ${fmt(w.relay, 0)} | ${stats(w.samples.relay)} | ${fmt(w.relay / w.direct, 2)} × |`,
      "",
    ];
  },
};
