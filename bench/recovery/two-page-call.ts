/**
 * A real two-page call for a recovery run: page a opens the room, page b joins, each in a
 * browser context of its own (the browsers may differ: one may run in a network namespace),
 * and the call counts as up once both present the other's frames steadily.
 */
import type { Browser, Page } from "playwright-core";
import { installRecorder, recorded } from "./page-record.ts";

export interface TwoPageCall {
  a: Page;
  b: Page;
  room: string;
  close(): Promise<void>;
}

/** Polls `check` until it gives a value other than null/false, for at most `ms`. */
export async function waitFor<T>(check: () => Promise<T | null | false>, what: string, ms: number, everyMs = 50): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== null && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`no ${what} within ${ms} ms`);
    await Bun.sleep(everyMs);
  }
}

export const stateOf = (p: Page) => p.evaluate(() => document.querySelector("video-call")?.getAttribute("state") ?? null);
export const selfIdOf = (p: Page) => p.evaluate(() => (document.querySelector("video-call") as unknown as { selfId: string | null }).selfId);

/** At least `n` frames presented in the last second: the picture is moving. */
const moving = async (p: Page, n: number) => {
  const r = await recorded(p);
  const since = Date.now() - 1000;
  return r.frames.filter((f) => f.t >= since).length >= n;
};

export async function openTwoPageCall(opts: { a: Browser; b: Browser; urlA: string; urlB: string; room: string }): Promise<TwoPageCall> {
  const contexts = await Promise.all([opts.a.newContext(), opts.b.newContext()]);
  const close = async () => {
    await Promise.all(contexts.map((c) => c.close().catch(() => {})));
  };
  try {
    const [a, b] = await Promise.all(contexts.map((c) => c.newPage()));
    await installRecorder(a!);
    await installRecorder(b!);
    await a!.goto(`${opts.urlA}/room/${opts.room}?lobby=off`);
    await waitFor(async () => (await stateOf(a!)) === "waiting", "waiting state at a", 15_000);
    await b!.goto(`${opts.urlB}/room/${opts.room}?lobby=off`);
    await waitFor(async () => (await moving(a!, 5)) && (await moving(b!, 5)), "frames both ways", 20_000, 100);
    return { a: a!, b: b!, room: opts.room, close };
  } catch (err) {
    await close();
    throw err;
  }
}
