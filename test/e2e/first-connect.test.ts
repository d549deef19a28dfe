/**
 * First negotiations that wedge with neither side failing, each from a fault the test puts
 * in a page: the page already in the room gathers no candidate for its first connection, so
 * the newcomer's connection stays `new` for good; or the newcomer's first offer is refused by
 * its own browser, so none goes out. The newcomer, which called, gives up on it in time
 * and calls again on a new connection, and the call comes up. Where the newcomer can
 * never gather a candidate, the page that waited says so rather than connecting for good.
 * Where a page's own connection never begins gathering (as Chromium now and then leaves one
 * under load), that page starts over itself, within seconds. And a peer that is still
 * being asked for its camera joins the call without it meanwhile.
 */
import { afterAll, afterEach, beforeAll, expect, test } from "bun:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchBrowser } from "../support/browsers/browser.ts";
import { type EmbeddingPage, serveEmbeddingPage } from "../support/browsers/embedding-page.ts";
import { installLinkSilence } from "../support/browsers/silent-links.ts";
import { installFirstOfferRefusal } from "../support/browsers/first-offer-fails.ts";
import { installGatheringStall } from "../support/browsers/gathering-stall.ts";
import { allowCapture, captureAsked, installHeldCapture } from "../support/browsers/held-capture.ts";
import { type ServerProcess, spawnServer } from "../support/services/server-process.ts";
import { type CallSnapshot, eventsOf, installProbe, recoveryEvents, snapshot, storyOf } from "../support/browsers/video-call-probe.ts";
import { expectStartOvers } from "../support/browsers/start-overs.ts";
import { pollUntil } from "../support/poll.ts";

let server: ServerProcess;
let browser: Browser;
/** One embedding page per test, each with a room of its own. */
let sites: EmbeddingPage[] = [];
const room = `first-connect-${Date.now().toString(36)}`;

beforeAll(async () => {
  server = await spawnServer({ LOG_LEVEL: "error" });
  browser = await launchBrowser();
  sites = [1, 2, 3, 4, 5].map((i) => serveEmbeddingPage(server.url, { room: `${room}-${i}` }));
}, 30_000);
afterAll(async () => {
  for (const site of sites) site.stop();
  await browser?.close();
  await server?.stop();
  // Closing a browser with several contexts can take seconds on a busy machine.
}, 30_000);

/** The contexts the running test opened: closed after it, so that its calls do not load the next test's. */
let contexts: BrowserContext[] = [];
afterEach(async () => {
  await Promise.all(contexts.map((c) => c.close()));
  contexts = [];
}, 30_000);

/** Waits for `ok` of the page's snapshot; if it does not come, says what the page went through. */
async function until(page: Page, ok: (s: CallSnapshot) => boolean, what: string, ms = 20_000): Promise<CallSnapshot> {
  try {
    return await pollUntil(() => snapshot(page), ok, what, ms);
  } catch (err) {
    console.error(`waiting for ${what}, the page went through:\n${await storyOf(page)}`);
    throw err;
  }
}
const rebuilds = (page: Page) => recoveryEvents(page, "rebuild");

type Fault = (page: Page) => Promise<void>;

/** A page of `site` in a context of its own, with the probe, and `fault` put in before its scripts. */
async function openPage(site: EmbeddingPage, fault?: Fault): Promise<Page> {
  const context = await browser.newContext();
  contexts.push(context);
  const page = await context.newPage();
  await installProbe(page);
  await fault?.(page);
  await page.goto(site.url);
  return page;
}

/** a waits in the room; then b comes in, and calls. */
async function meet(site: EmbeddingPage, faults: { a?: Fault; b?: Fault } = {}) {
  const a = await openPage(site, faults.a);
  await until(a, (s) => s.state === "waiting", "a waiting");
  return { a, b: await openPage(site, faults.b) };
}

const decoding = (s: CallSnapshot) =>
  s.state === "connected" && s.connections.length === 1 && s.connections[0]!.connectionState === "connected" && Object.values(s.links).some((l) => l.videoFramesDecoded > 0);

test("a first connection that never comes up is started over by the side that called", async () => {
  const { a, b } = await meet(sites[0]!, { a: (p) => installLinkSilence(p, "first") });

  // The fault holds: b's offer is answered, yet its connection does not even start checking.
  const wedged = await until(b, (s) => s.connections.length === 1 && s.connections[0]!.signalingState === "stable", "b's first offer answered");
  expect(wedged.state).toBe("connecting-peer");
  await Bun.sleep(3000);
  const still = await snapshot(b);
  expect(still.connections.map((c) => c.connectionState)).toEqual(["new"]);
  expect(await rebuilds(b)).toEqual([]);

  // b starts over on a new connection, which a takes up; both see each other.
  await until(b, decoding, "b decoding after starting over", 40_000);
  await until(a, decoding, "a decoding after starting over", 20_000);
  // b started over once, for the first connection; a did not: it waited for b's new offer.
  await expectStartOvers(a, b, { a: 0, b: 1 });
  const [atA, atB] = [await snapshot(a), await snapshot(b)];
  expect(atA.tiles.length).toBe(1);
  expect(atB.tiles.length).toBe(1);
  expect(atA.tiles[0]!.video).toContain("live");
  expect(atB.tiles[0]!.audio).toContain("live");
}, 90_000);

test("a first connection whose offers its own browser refuses says so, and is started over by the side that called", async () => {
  const warnings: string[] = [];
  const { a, b } = await meet(sites[1]!, {
    b: (p) => {
      p.on("console", (m) => {
        if (m.type() === "warning") warnings.push(m.text());
      });
      return installFirstOfferRefusal(p);
    },
  });

  // The refusal is said, and nothing went out: b's connection holds no offer, a's none of b's.
  const refusals = () => warnings.filter((w) => w.includes("setLocalDescription failed")).length;
  await pollUntil(async () => refusals(), (n) => n >= 1, "b's warning", 20_000);
  const wedged = await snapshot(b);
  expect(wedged.state).toBe("connecting-peer");
  expect(wedged.connections.map((c) => [c.signalingState, c.connectionState])).toEqual([["stable", "new"]]);
  expect((await snapshot(a)).connections.map((c) => [c.signalingState, c.connectionState])).toEqual([["stable", "new"]]);
  expect(await rebuilds(b)).toEqual([]);

  await until(b, decoding, "b decoding after starting over", 40_000);
  await until(a, decoding, "a decoding after starting over", 20_000);
  // b started over once, for the refused connection; a did not: it waited for b's new offer.
  await expectStartOvers(a, b, { a: 0, b: 1 });
  // Only the first connection was refused: the new one's offer went without a word.
  const said = refusals();
  await Bun.sleep(1000);
  expect(refusals()).toBe(said);
}, 90_000);

test("when the side that called can gather no candidate, the side that waited says the call has no path, not connecting for good", async () => {
  const { a, b } = await meet(sites[2]!, { b: (p) => installLinkSilence(p, "every") });

  const line = (page: Page) => page.evaluate(() => document.querySelector("video-call")!.shadowRoot!.querySelector("[part~='state']")!.textContent!.trim());
  // The detail of the last call-state event.
  const reason = async (page: Page) => {
    const last = (await eventsOf(page)).filter((e) => e.includes(" call-state ")).at(-1);
    return last && JSON.parse(last.slice(last.indexOf(" call-state ") + " call-state ".length));
  };
  // b knows the trouble is its own: relaying only, with no relay.
  await until(b, (s) => s.state === "failed", "b failed");
  expect(await reason(b)).toEqual({ state: "failed", reason: "no-route" });
  expect(await line(b)).toContain("no relay (TURN) server is configured");
  // a, which answered b's offer and then heard that no candidate would come, says so too.
  const atA = await until(a, (s) => s.state === "failed", "a failed");
  expect(atA.connections.map((c) => [c.signalingState, c.connectionState])).toEqual([["stable", "new"]]);
  expect(await reason(a)).toEqual({ state: "failed", reason: "no-route" });
  expect(await line(a)).toContain("their browser found no way to connect");
  // Neither starts over what cannot work.
  await Bun.sleep(2000);
  await expectStartOvers(a, b, { a: 0, b: 0 });
}, 60_000);

test("a connection whose own browser never begins gathering is started over by that side, before the caller gives up on it", async () => {
  const { a, b } = await meet(sites[4]!, { a: installGatheringStall });

  // a answers b's offer, and then nothing comes of it: not a candidate, nor the end of them.
  await until(b, (s) => s.connections.length === 1 && s.connections[0]!.signalingState === "stable", "b's first offer answered");
  expect(await rebuilds(a)).toEqual([]);

  // a sees that its connection never began gathering and calls anew; b takes that up.
  await until(a, decoding, "a decoding after starting over", 30_000);
  await until(b, decoding, "b decoding after starting over", 20_000);
  // a started over once; b never had to give up on the connection itself (it would have
  // after FIRST_CONNECT_TIMEOUT_MS).
  await expectStartOvers(a, b, { a: 1, b: 0 });
  const [atA, atB] = [await snapshot(a), await snapshot(b)];
  expect(atA.connections.length).toBe(1);
  expect(atB.connections.length).toBe(1);
  expect(atA.tiles[0]!.audio).toContain("live");
  expect(atB.tiles[0]!.video).toContain("live");
}, 60_000);

test("a peer whose camera is still being asked for is in the call without it meanwhile, and sends it on the same connection once allowed", async () => {
  const site = sites[3]!;
  const a = await openPage(site, installHeldCapture);
  await pollUntil(() => captureAsked(a), (n) => n >= 1, "a asking for its camera");
  const b = await openPage(site);
  const notice = (page: Page) =>
    page.evaluate(() => document.querySelector("video-call")!.shadowRoot!.querySelector("[part~='capture-notice']")?.textContent?.trim() ?? null);
  // a answers b's call without waiting for its prompt: it sees and hears b, and says what it waits for.
  const atA = await until(a, decoding, "a decoding b while its own camera is still asked for");
  expect(atA.tiles.length).toBe(1);
  expect(atA.tiles[0]!.audio).toContain("live");
  expect(await notice(a)).toContain("Waiting for your camera and microphone");
  const atB = await until(b, (s) => s.state === "connected", "b connected");
  expect(Object.values(atB.links).map((l) => l.videoFramesDecoded)).toEqual([0]);
  expect(await captureAsked(a)).toBe(1);

  // The person allows the camera: it goes to b on the connection there is.
  await allowCapture(a);
  await until(b, decoding, "b decoding a's camera");
  const [afterA, afterB] = [await snapshot(a), await snapshot(b)];
  expect(afterB.tiles[0]!.video).toContain("live");
  expect(afterB.tiles[0]!.audio).toContain("live");
  expect(afterA.connections.length).toBe(1);
  expect(afterB.connections.length).toBe(1);
  await expectStartOvers(a, b, { a: 0, b: 0 });
  expect(await notice(a)).toBeNull();
}, 90_000);
