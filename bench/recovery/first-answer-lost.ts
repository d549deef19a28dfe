/**
 * (d) Signaling cut in the middle of the first negotiation: page a waits in the room, page b
 * joins and calls; a's answer is lost with a's socket (test/support/browsers/lose-first-answer.ts),
 * whose connection through a TCP proxy is then cut and refused for a while. Timed from the
 * end of that outage until both pages decode, and show, the other's video.
 */
import type { Browser } from "playwright-core";
import { serveEmbeddingPage } from "../../test/support/browsers/embedding-page.ts";
import { answerLost, installAnswerLoss } from "../../test/support/browsers/lose-first-answer.ts";
import type { ServerProcess } from "../../test/support/services/server-process.ts";
import { startTcpProxy } from "../../test/support/services/tcp-proxy.ts";
import { bothSidesRecovered } from "./both-sides.ts";
import { runsOnOneServer } from "./runs.ts";
import { installRecorder, recorded } from "./page-record.ts";
import { stateOf, waitFor } from "./two-page-call.ts";

/** How long a's signaling stays down after the cut. */
export const ANSWER_OUTAGE_MS = 1000;

export interface AnswerLostRun {
  ok: boolean;
  error?: string;
  /** End of the outage → both sides decode the other's video, and → both show the other's moving picture. */
  decodedMs?: number | null;
  recoveredMs?: number;
  /** `connection-recovery` events of both pages, by action. */
  rebuilds?: number;
  iceRestarts?: number;
}

async function oneRun(browser: Browser, server: ServerProcess, i: number): Promise<AnswerLostRun> {
  const proxy = startTcpProxy(server.port);
  const room = `answer-lost-${Date.now().toString(36)}-${i}`;
  const siteA = serveEmbeddingPage(server.url, { room, "signaling-url": proxy.wsUrl });
  const siteB = serveEmbeddingPage(server.url, { room });
  const contexts = await Promise.all([browser.newContext(), browser.newContext()]);
  try {
    const [a, b] = await Promise.all(contexts.map((c) => c.newPage()));
    await installRecorder(a!);
    await installRecorder(b!);
    await installAnswerLoss(a!);
    await a!.goto(siteA.url);
    await waitFor(async () => (await stateOf(a!)) === "waiting", "waiting state at a", 15_000);
    await b!.goto(siteB.url);
    await waitFor(() => answerLost(a!), "answer made at a", 15_000, 10);
    proxy.cutAll(ANSWER_OUTAGE_MS);
    const restored = Date.now() + ANSWER_OUTAGE_MS;
    const sides = await bothSidesRecovered({ a: a!, b: b!, room, close: async () => {} }, restored);
    const recoveries = [...(await recorded(a!)).recoveries, ...(await recorded(b!)).recoveries];
    const rebuilds = recoveries.filter((r) => r.action === "rebuild").length;
    const iceRestarts = recoveries.filter((r) => r.action === "ice-restart").length;
    if (sides.problem) return { ok: false, decodedMs: sides.decodedMs, rebuilds, iceRestarts, error: `${sides.problem} (times from the end of the outage)` };
    return { ok: true, decodedMs: sides.decodedMs, recoveredMs: sides.movingMs!, rebuilds, iceRestarts };
  } finally {
    await Promise.all(contexts.map((c) => c.close().catch(() => {})));
    siteA.stop();
    siteB.stop();
    proxy.stop();
  }
}

export const answerLostRuns = (runs: number, log: (...xs: unknown[]) => void): Promise<AnswerLostRun[]> => runsOnOneServer("first answer lost", runs, log, oneRun);
