/**
 * How often each page of a two-page call started over (a `connection-recovery` with
 * `rebuild`), against what a test expects, allowing for a stall of Chromium's own: now and
 * then under load it leaves a connection without gathering anything, and the element mends
 * that by starting over (peer-link.ts, GATHERING_START_MS). Each such connection of a page
 * adds one start-over to what is expected of it. Otherwise both pages' stories are printed,
 * to tell why.
 */
import { expect } from "bun:test";
import type { Page } from "playwright-core";
import { neverGathered, recoveryEvents, storyOf } from "./video-call-probe.ts";

export async function expectStartOvers(a: Page, b: Page, expected: { a: number; b: number }) {
  const rebuilds = async (page: Page) => (await recoveryEvents(page, "rebuild")).length;
  const got = { a: await rebuilds(a), b: await rebuilds(b) };
  const want = { a: expected.a + (await neverGathered(a)), b: expected.b + (await neverGathered(b)) };
  if (got.a !== want.a || got.b !== want.b) console.error("started over", JSON.stringify(got), "not", JSON.stringify(want), "\nb:", await storyOf(b), "\na:", await storyOf(a));
  expect(got).toEqual(want);
}
