/**
 * Recovery in a real two-page call, headless Chromium against the real server: how long
 * from a fault (the server restarts, the media path breaks, a page reloads, signaling is
 * cut in the middle of the first negotiation) until the picture moves again, over RUNS
 * runs of each.
 */
import type { Section } from "../lib/section.ts";
import { percentile } from "../lib/stats.ts";
import { fmt, int } from "../lib/table.ts";
import { RECOVER_WITHIN_MS } from "./both-sides.ts";
import { ANSWER_OUTAGE_MS, type AnswerLostRun, answerLostRuns } from "./first-answer-lost.ts";
import { type BreakRun, mediaBreakRuns } from "./media-break.ts";
import { DECODED_EVERY_MS, MAX_GAP_MS, STEADY_FRAMES } from "./page-record.ts";
import { pageReloadRuns, type ReloadRun } from "./page-reload.ts";
import { BACK_WITHIN_MS, type RestartRun, serverRestartRuns } from "./server-restart.ts";

const RUNS = 10;
/** Shorter than Chromium's ~6 s to `disconnected` (no ICE restart), and long enough for one. */
const OUTAGES_MS = [3000, 10_000];

export interface RecoveryResult {
  runs: number;
  restart: RestartRun[];
  breaks: Record<string, BreakRun[]>;
  reload: ReloadRun[];
  /** Absent from results stored before (d) was measured. */
  answerLost?: AnswerLostRun[];
}

/** | figure | runs | median | p90 | max |, over the runs that have the figure. */
function row(figure: string, runs: unknown[], values: (number | null | undefined)[], digits = 0): string {
  const s = values.filter((v): v is number => typeof v === "number").sort((a, b) => a - b);
  return `| ${figure} | ${s.length} of ${runs.length} | ${fmt(percentile(s, 50), digits)} | ${fmt(percentile(s, 90), digits)} | ${fmt(s.at(-1) ?? NaN, digits)} |`;
}

const okOnes = <T extends { ok: boolean }>(runs: T[]) => runs.filter((r) => r.ok);
const count = <T>(xs: T[], f: (x: T) => boolean | undefined) => xs.filter(f).length;
const seconds = (ms: number) => `${ms / 1000} s`;

export const recovery: Section<RecoveryResult> = {
  name: "recovery",
  groups: ["browser"],
  async run({ log }) {
    const restart = await serverRestartRuns(RUNS, log);
    const breaks = await mediaBreakRuns(RUNS, OUTAGES_MS, log);
    const reload = await pageReloadRuns(RUNS, log);
    const answerLost = await answerLostRuns(RUNS, log);
    return { runs: RUNS, restart, breaks, reload, answerLost };
  },
  render(r) {
    const restart = okOnes(r.restart);
    const reload = okOnes(r.reload);
    const answerLost = r.answerLost ?? [];
    const lines = [
      "## Recovery (headless Chromium, a real two-page call)",
      "",
      `Each run is a fresh call between two pages in a new room, fake camera and microphone, through the real server (a process of its own for each kind of fault; (a) restarts it in every run); ${r.runs} runs of each fault. Times are wall clock, from the fault (or the end of it) until frames are decoded again (inbound-rtp \`framesDecoded\` of the element's \`getStats()\` growing, sampled every ${DECODED_EVERY_MS} ms, so up to that much late) and until the picture moves again: the first of ${STEADY_FRAMES} new remote frames presented in a row (requestVideoFrameCallback on the remote \`<video>\`; a callback with the mediaTime of the frame before shows that frame again, and does not count), none more than ${MAX_GAP_MS} ms apart, so that one frame followed by a freeze does not count. Every wait is bounded (${seconds(RECOVER_WITHIN_MS)} for each of those; ${seconds(BACK_WITHIN_MS)} to be back in the room after a restart); a run in which a side did not get there is a failed run, listed below the table with what its pages showed. "Runs" says how many runs have the figure; median, p90 and max are over those.`,
      "",
      "- (a) **Server restart**: SIGTERM to the server (every socket closed with 1001), then a new process on the same port with the same `RESUME_SECRET`. The call is peer to peer, so the picture should not stop. \"Back in the room\": both pages `connected` and the server's `/rooms/<room>/occupancy` fragment says 2 of 2. Frames not presented are counted at the receivers from requestVideoFrameCallback: each receiver's presented frames per second in the 2 s before the fault, times the time until both are back, less the frames it presented meanwhile (never below 0), both receivers added.",
      `- (b) **Media path down**: page b runs in a Chromium inside a network namespace of its own (veth to the host); nftables there drops all its UDP and TCP except the signaling server's port for ${OUTAGES_MS.map(seconds).join(" or ")}, then the rules are deleted. Timed from the restore, the slower of the two sides.`,
      "- (c) **Page reload**: page b reloads mid-call and comes back as a new peer. Timed from the reload until a decodes (and shows) the new b's video and b a's.",
      `- (d) **First answer lost**: a waits in the room and b joins and calls; the answer a makes is lost with a's signaling socket (test/support/browsers/lose-first-answer.ts), whose TCP connection through a proxy is then cut and new ones refused for ${seconds(ANSWER_OUTAGE_MS)}. a then holds b's offer and its own answer, b only its offer, and the connection was never up. Timed from the end of the outage.`,
      "",
      "| fault: figure | runs | median | p90 | max |",
      "|---|---|---|---|---|",
      row("(a) server restart: fault → both back in the room (ms)", r.restart, r.restart.map((x) => x.backMs)),
      row("(a) … from the new server's first answer (ms)", r.restart, r.restart.map((x) => x.backAfterUpMs)),
      row("(a) … the restart itself: SIGTERM → the new process answers /healthz (ms)", r.restart, r.restart.map((x) => x.restartMs)),
      row("(a) … of it, SIGTERM → the old process exited (ms)", r.restart, r.restart.map((x) => x.stopMs)),
      row("(a) frames not presented at the receivers while signaling was down", r.restart, r.restart.map((x) => x.missingFrames)),
      row("(a) longest gap between presented frames meanwhile (ms)", r.restart, r.restart.map((x) => x.longestGapMs)),
      row("(a) … for comparison, in the 2 s before the fault (ms)", r.restart, r.restart.map((x) => x.longestGapBeforeMs)),
      ...OUTAGES_MS.flatMap((d) => {
        const runs = r.breaks[String(d)] ?? [];
        return [
          row(`(b) media path down ${seconds(d)}: restore → frames decoded at both sides (ms)`, runs, runs.map((x) => x.decodedMs)),
          row(`(b) media path down ${seconds(d)}: restore → moving picture at both sides (ms)`, runs, runs.map((x) => x.recoveredMs)),
        ];
      }),
      row("(c) page reload: reload → both decode the other's video (ms)", r.reload, r.reload.map((x) => x.decodedMs)),
      row("(c) page reload: reload → both show the other's moving picture (ms)", r.reload, r.reload.map((x) => x.recoveredMs)),
      row("(d) first answer lost: outage end → frames decoded at both sides (ms)", answerLost, answerLost.map((x) => x.decodedMs)),
      row("(d) first answer lost: outage end → moving picture at both sides (ms)", answerLost, answerLost.map((x) => x.recoveredMs)),
      "",
    ];
    const fps = restart.map((x) => x.fps!).sort((a, b) => a - b);
    const fpsMeanwhile = restart.map((x) => x.fpsMeanwhile ?? NaN).sort((a, b) => a - b);
    lines.push(
      `(a): receivers presented ${fmt(percentile(fps, 50), 1)} frames/s before the fault and ${fmt(percentile(fpsMeanwhile, 50), 1)} while signaling was down (medians); both pages kept their peer ids (resumed) in ${count(restart, (x) => x.resumed)} of ${restart.length} runs, and a page left \`connected\` in ${count(restart, (x) => !x.stayedConnected)}.`,
      "",
    );
    for (const d of OUTAGES_MS) {
      const runs = okOnes(r.breaks[String(d)] ?? []);
      const pairs = [...new Set(runs.map((x) => x.pair))];
      lines.push(
        `(b) ${seconds(d)}: the element restarted ICE in ${count(runs, (x) => x.iceRestarts! > 0)} of ${runs.length} runs (${int(runs.reduce((n, x) => n + x.iceRestarts!, 0))} \`connection-recovery\` events with \`ice-restart\`, ${int(runs.reduce((n, x) => n + x.rebuilds!, 0))} with \`rebuild\`, both pages together); a page left \`connected\` in ${count(runs, (x) => x.leftConnected)}; the slower side was a (outside the namespace) in ${count(runs, (x) => x.slower === "a")}. b's selected candidate pair: ${pairs.join(", ") || "–"} (b's address in the namespace → the host's end of the veth: the media crossed it).`,
        "",
      );
    }
    lines.push(`(c): a showed exactly one remote video afterwards in ${count(reload, (x) => x.tilesAtA === 1)} of ${reload.length} runs.`, "");
    const answered = okOnes(answerLost);
    lines.push(
      `(d): ${int(answered.reduce((n, x) => n + x.rebuilds!, 0))} \`connection-recovery\` events with \`rebuild\` and ${int(answered.reduce((n, x) => n + x.iceRestarts!, 0))} with \`ice-restart\` in ${answered.length} runs, both pages together: at the resume b, which called, makes a new connection and a takes it up.`,
      "",
    );
    const failed = [
      ...r.restart.map((x, i) => ({ what: `(a) run ${i + 1}`, x })),
      ...OUTAGES_MS.flatMap((d) => (r.breaks[String(d)] ?? []).map((x, i) => ({ what: `(b) ${seconds(d)}, run ${i + 1}`, x }))),
      ...r.reload.map((x, i) => ({ what: `(c) run ${i + 1}`, x })),
      ...answerLost.map((x, i) => ({ what: `(d) run ${i + 1}`, x })),
    ].filter(({ x }) => !x.ok);
    if (failed.length > 0) {
      lines.push("Failed runs:", "", ...failed.map(({ what, x }) => `- ${what}: ${x.error}`), "");
    }
    return lines;
  },
};
