/**
 * When both pages of a call have recovered from a fault that ended at `since`: when each
 * decodes the other's video again (inbound-rtp framesDecoded growing), and when each shows
 * the other's moving picture again (presented frames, see `movingAgainAt`). The two can
 * differ: frames may be decoded while the <video> shows nothing.
 */
import { decodingAgainAt, movingAgainAt } from "./page-record.ts";
import { sideReport } from "./side-report.ts";
import { type TwoPageCall, waitFor } from "./two-page-call.ts";

/** How long after the fault each of the two may take. */
export const RECOVER_WITHIN_MS = 15_000;

export interface BothSides {
  /** since → frames decoded at both sides; null if not within the bound. */
  decodedMs: number | null;
  /** since → a moving picture at both sides; null if not within the bound. */
  movingMs: number | null;
  /** The side whose picture moved last. */
  slower: "a" | "b" | null;
  /** What the pages showed, when either did not happen. */
  problem?: string;
}

async function atBoth(call: TwoPageCall, at: (side: "a" | "b") => Promise<number | null>, what: string, ms: number) {
  return waitFor(
    async () => {
      const both = [await at("a"), await at("b")];
      return both.every((t) => t !== null) ? (both as [number, number]) : null;
    },
    what,
    ms,
    100,
  ).catch(() => null);
}

/**
 * `notFromA`: a peer whose frames at a do not count (the one that b was before a reload);
 * `reportFrom`: the time that what the pages showed is told relative to (the fault's start).
 */
export async function bothSidesRecovered(call: TwoPageCall, since: number, { notFromA = "", reportFrom = since } = {}): Promise<BothSides> {
  const left = () => Math.max(0, since + RECOVER_WITHIN_MS - Date.now());
  const page = (side: "a" | "b") => (side === "a" ? call.a : call.b);
  const skip = (side: "a" | "b") => (side === "a" ? notFromA : "");
  const decoded = await atBoth(call, (s) => decodingAgainAt(page(s), since, skip(s)), "decoding", left());
  const moving = await atBoth(call, (s) => movingAgainAt(page(s), since, skip(s)), "moving picture", left());
  const out: BothSides = {
    decodedMs: decoded ? Math.max(...decoded) - since : null,
    movingMs: moving ? Math.max(...moving) - since : null,
    slower: moving ? (moving[0] >= moving[1] ? "a" : "b") : null,
  };
  if (!decoded || !moving) {
    const missing = !decoded ? "no frames decoded at both sides" : `frames decoded again after ${Math.round(out.decodedMs!)} ms, but no moving picture at both sides`;
    out.problem = `${missing} within ${RECOVER_WITHIN_MS} ms. a: ${await sideReport(call.a, reportFrom)}. b: ${await sideReport(call.b, reportFrom)}`;
  }
  return out;
}
