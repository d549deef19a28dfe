/**
 * Chromium and Firefox in one call, through the real server process and the real room page:
 * each decodes the other's video and hears its audio; each shares a screen in turn (headless
 * Firefox has none to share, and says so); Firefox hangs up and joins again; a Firefox
 * page resumes its seat after a server restart; and Firefox with its own autoplay policy
 * shows the picture and plays the sound after a click. Chromium runs under playwright-core,
 * Firefox under puppeteer-core (WebDriver BiDi).
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Browser as PlaywrightBrowser } from "playwright-core";
import type { Browser as PuppeteerBrowser, Page as PuppeteerPage } from "puppeteer-core";
import { launchBrowser } from "../support/browsers/browser.ts";
import { callProblems, type PageLook } from "../support/browsers/call-checks.ts";
import { FIREFOX_PREFS_AS_INSTALLED, firefoxPage, launchFirefox } from "../support/browsers/firefox.ts";
import { collectErrors, type PageErrors } from "../support/browsers/page-errors.ts";
import { pollUntil } from "../support/poll.ts";
import { freePort, type ServerProcess, spawnServer } from "../support/services/server-process.ts";
import { type CallSnapshot, callMethod, eventsOf, inPage, installProbe, type Page, snapshot, enterRoom } from "../support/browsers/video-call-probe.ts";

const port = freePort();
const env = { PORT: String(port), RESUME_SECRET: "a-firefox-test-secret-long-enough-0123", LOG_LEVEL: "error" };
const servers: ServerProcess[] = [];
let chromium: PlaywrightBrowser;
let firefox: PuppeteerBrowser;
const seen: PageErrors = { errors: [], socketFailures: [] };

beforeAll(async () => {
  servers.push(await spawnServer(env));
  [chromium, firefox] = await Promise.all([launchBrowser(), launchFirefox()]);
}, 30_000);
afterAll(async () => {
  await Promise.allSettled([chromium?.close(), firefox?.close()]);
  for (const s of servers) if (s.proc.exitCode === null) await s.stop();
});

interface Named {
  name: string;
  page: Page;
}

async function openRoom(name: "chromium" | "firefox", room: string, inFirefox = firefox): Promise<Named> {
  const page: Page = name === "chromium" ? await (await chromium.newContext()).newPage() : await firefoxPage(inFirefox);
  await installProbe(page);
  collectErrors(page, name, seen);
  await enterRoom(page, `http://127.0.0.1:${port}/room/${room}`);
  return { name, page };
}

async function until(p: Named, ok: (s: CallSnapshot) => boolean, what: string, ms = 20_000): Promise<CallSnapshot> {
  const deadline = Date.now() + ms;
  for (;;) {
    const s = await snapshot(p.page);
    if (ok(s)) return s;
    if (Date.now() > deadline) throw new Error(`${p.name}: timed out waiting for ${what}: ${JSON.stringify(s)}\n${(await eventsOf(p.page)).join("\n")}`);
    await Bun.sleep(200);
  }
}

/** The energy of the audio each link has received so far, by peer: it grows only while sound (not silence) arrives. */
const audioEnergy = (page: Page) =>
  inPage(
    page,
    async (tag) => {
      const el = document.querySelector(tag) as HTMLElement & { getStats(): Promise<Map<string, RTCStatsReport>> };
      const out: Record<string, number> = {};
      for (const [peer, r] of await el.getStats()) {
        r.forEach((s) => {
          if (s.type === "inbound-rtp" && s.kind === "audio") out[peer] = (out[peer] ?? 0) + (s.totalAudioEnergy ?? 0);
        });
      }
      return out;
    },
    "video-call",
  );

/**
 * Waits (bounded) until the call between `pages` is whole, as call-checks.ts has it (decoded
 * video and audio packets growing, live audio tracks, stable links), every remote video has
 * a picture, and every side hears sound from every other.
 */
async function settled(pages: Named[], what: string, ms = 25_000): Promise<PageLook[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    // One after the other in a page: the probe tells links apart by the getStats() calls it sees.
    const look = () => Promise.all(pages.map(async (p) => ({ snap: await snapshot(p.page), energy: await audioEnergy(p.page) })));
    const first = await look();
    await Bun.sleep(1500);
    const second = await look();
    const [before, energyBefore] = [first.map((x) => x.snap), first.map((x) => x.energy)];
    const [after, energyAfter] = [second.map((x) => x.snap), second.map((x) => x.energy)];
    const looks = pages.map((p, i) => ({ name: p.name, before: before[i]!, after: after[i]! }));
    const problems = callProblems(looks);
    looks.forEach((l, i) => {
      for (const t of l.after.tiles) if (t.videoWidth === 0) problems.push(`${l.name}: no picture in ${t.peer}'s video`);
      for (const peer of l.after.peers) {
        if (!((energyAfter[i]![peer] ?? 0) > (energyBefore[i]![peer] ?? 0))) problems.push(`${l.name}: hears no sound from ${peer}`);
      }
    });
    if (problems.length === 0) return looks;
    if (Date.now() > deadline) {
      const events = await Promise.all(pages.map(async (p) => `${p.name}'s events:\n${(await eventsOf(p.page)).join("\n")}`));
      throw new Error(`${what}: ${problems.join("; ")}\n${events.join("\n")}`);
    }
  }
}

const aspectOf = (s: CallSnapshot) => (s.tiles[0] && s.tiles[0].videoHeight > 0 ? s.tiles[0].videoWidth / s.tiles[0].videoHeight : 0);
const near = (x: number, y: number) => Math.abs(x - y) < 0.05;
/** The fake cameras of both browsers are 4:3, Chromium's fake screen 16:9: the shape says which one arrives. */
const CAMERA = 4 / 3;
const SCREEN = 16 / 9;

/** A part of the page's <video-call>, through its shadow root. */
const part = (name: string) => `video-call >>> [part~='${name}']`;
const textOf = (page: PuppeteerPage, name: string) => page.$eval(part(name), (e) => e.textContent ?? "").catch(() => null);

test("a Chromium page and a Firefox page call each other, share screens in turn, and Firefox hangs up and joins again", async () => {
  const room = `ff-${Date.now().toString(36)}`;
  const c = await openRoom("chromium", room);
  await until(c, (s) => s.state === "waiting", "waiting alone");
  // Firefox comes second: it is the newcomer that makes the offer.
  const f = await openRoom("firefox", room);
  const ff = f.page as PuppeteerPage;
  await settled([c, f], "the first call");
  await until(f, (s) => near(aspectOf(s), CAMERA), "Chromium's camera at Firefox");

  // Chromium shares its screen: Firefox gets it, then the camera again.
  expect(await callMethod<boolean>(c.page, "shareScreen")).toBe(true);
  await until(f, (s) => near(aspectOf(s), SCREEN), "Chromium's screen at Firefox");
  await settled([c, f], "the call while Chromium shares");
  await callMethod(c.page, "stopScreenShare");
  await until(f, (s) => near(aspectOf(s), CAMERA), "Chromium's camera at Firefox again");

  // Firefox's turn: the Share screen button, pressed for real, finds no screen in headless
  // Firefox. Nothing is shared, a notice says why, and Chromium still sees the camera.
  await ff.click(part("screen-share"));
  await pollUntil(() => textOf(ff, "screen-notice"), (t) => !!t?.includes("No screen could be shared"), "Firefox's screen notice", 10_000);
  expect(await ff.$eval("video-call", (e) => e.hasAttribute("sharing-screen"))).toBe(false);
  expect((await textOf(ff, "screen-share"))?.trim()).toBe("Share screen");
  const atChromium = await until(c, (s) => near(aspectOf(s), CAMERA), "Firefox's camera at Chromium");
  expect(atChromium.tiles.length).toBe(1);
  await settled([c, f], "the call after Firefox's attempt to share");

  // Firefox hangs up: Chromium is alone; Firefox offers one way back in, and takes it.
  const before = await snapshot(f.page);
  await callMethod(f.page, "hangUp");
  await until(c, (s) => s.state === "waiting" && s.tiles.length === 0 && s.peers.length === 0, "Chromium alone");
  await until(f, (s) => s.state === "hung-up" && s.connections.length === 0, "Firefox hung up, its connections closed");
  expect((await textOf(ff, "join"))?.trim()).toBe("Join again");
  await ff.click(part("join"));
  const looks = await settled([c, f], "the call after Firefox joined again");
  expect(looks[1]!.after.selfId).not.toBe(before.selfId);
  expect(seen.errors).toEqual([]);
  for (const p of [c, f]) await p.page.close();
}, 120_000);

test("a Firefox page in a call resumes its seat after a server restart", async () => {
  const room = `ff-restart-${Date.now().toString(36)}`;
  // Firefox first this time: Chromium is the newcomer and makes the offer.
  const f = await openRoom("firefox", room);
  await until(f, (s) => s.state === "waiting", "waiting alone");
  const c = await openRoom("chromium", room);
  const [, first] = await settled([c, f], "the first call");
  const ff = f.page as PuppeteerPage;

  // Down: the call itself goes on peer to peer; Firefox says it is reconnecting.
  await servers.at(-1)!.stop();
  await pollUntil(() => textOf(ff, "state"), (t) => !!t?.includes("Reconnecting to the server"), "Firefox saying it reconnects", 10_000);
  const during = await until(f, (s) => (s.links[first.after.peers[0]!]?.videoFramesDecoded ?? 0) > first.after.links[first.after.peers[0]!]!.videoFramesDecoded + 10, "frames while the server is down");
  expect(during.state).toBe("connected");

  // Up again on the same address and secret: both resume the same seats, one call, no duplicates.
  servers.push(await spawnServer(env));
  const back = await until(f, (s) => s.selfId === first.after.selfId && s.state === "connected", "Firefox resumed");
  expect(back.peers).toEqual(first.after.peers);
  await pollUntil(() => textOf(ff, "state"), (t) => !t?.includes("Reconnecting"), "Firefox done reconnecting");
  const occupancy = async () => (await fetch(`http://127.0.0.1:${port}/rooms/${room}/occupancy`)).text();
  await pollUntil(occupancy, (t) => t.includes("2 of 2"), "both back in the room");
  const [cAfter, fAfter] = await settled([c, f], "the call after the restart");
  expect(fAfter!.after.selfId).toBe(first.after.selfId);
  expect(cAfter!.after.peers).toEqual([first.after.selfId!]);
  // Signaling works again: Firefox's hang-up reaches Chromium.
  await callMethod(f.page, "hangUp");
  await until(c, (s) => s.state === "waiting" && s.tiles.length === 0, "Chromium alone after Firefox hung up");
  expect(seen.errors).toEqual([]);
  for (const p of [c, f]) await p.page.close();
}, 120_000);

/**
 * Resolves when the page's <video-call> fires autoplay-blocked, learnt from the page's console
 * rather than by evaluating in it: every script puppeteer runs in a Firefox page counts as a
 * user gesture there, and would lift the autoplay block it is waiting for.
 */
async function autoplayBlocked(page: PuppeteerPage): Promise<void> {
  const said = new Promise<void>((resolve) => page.on("console", (m) => m.text() === "autoplay-blocked" && resolve()));
  await page.evaluateOnNewDocument(() => document.addEventListener("autoplay-blocked", () => console.info("autoplay-blocked")));
  return said;
}

test("Firefox as installed plays the picture at once and the sound after a click", async () => {
  const asInstalled = await launchFirefox(FIREFOX_PREFS_AS_INSTALLED);
  try {
    const room = `ff-autoplay-${Date.now().toString(36)}`;
    const c = await openRoom("chromium", room);
    await until(c, (s) => s.state === "waiting", "waiting alone");
    const ff = await firefoxPage(asInstalled);
    const f: Named = { name: "firefox", page: ff };
    await installProbe(ff);
    collectErrors(ff, f.name, seen);
    const blocked = autoplayBlocked(ff);
    // Without the lobby: pressing its Join is a user gesture, after which Firefox plays the
    // sound by itself (one thing a lobby is for), and nothing would be blocked.
    await ff.goto(`http://127.0.0.1:${port}/room/${room}?lobby=off`);
    // Firefox will not start the sound by itself: the element says so and offers the click.
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([blocked, new Promise((_, reject) => (timer = setTimeout(() => reject(new Error("firefox: autoplay was never blocked")), 20_000)))]).finally(() => clearTimeout(timer));
    expect(await textOf(ff, "unmute")).toContain("Click to play sound");
    const video = part("remote-video");
    const playback = () => ff.$eval(video, (v) => ({ muted: (v as HTMLVideoElement).muted, paused: (v as HTMLVideoElement).paused, time: (v as HTMLVideoElement).currentTime }));
    // The picture plays meanwhile, muted.
    const first = await playback();
    expect(first.muted).toBe(true);
    await pollUntil(playback, (p) => p.time > first.time, "the muted picture playing", 10_000);
    await ff.click(part("unmute"));
    await pollUntil(() => textOf(ff, "unmute"), (t) => t === null, "the click-to-play button gone", 10_000);
    const now = await playback();
    expect(now.muted).toBe(false);
    expect(now.paused).toBe(false);
    await settled([c, f], "the call after the click");
    expect(seen.errors).toEqual([]);
    await c.page.close();
  } finally {
    await asInstalled.close();
  }
}, 60_000);
