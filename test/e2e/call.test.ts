/**
 * End to end: real pages from the real server process, in headless Chromium with fake
 * devices. A call counts only when decoded remote frames are seen.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { launchBrowser } from "../support/browsers/browser.ts";
import { type ServerProcess, spawnServer } from "../support/services/server-process.ts";
import { enterRoom } from "../support/browsers/video-call-probe.ts";

let server: ServerProcess;
let browser: Browser;

beforeAll(async () => {
  server = await spawnServer();
  browser = await launchBrowser();
}, 30_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** Waits until the page's <video-call> decodes frames from `count` remote peers. */
async function waitForRemoteFrames(page: Page, count = 1) {
  await page.waitForFunction(
    async (n) => {
      const el = document.querySelector("video-call");
      if (!el || el.getAttribute("state") !== "connected") return false;
      const stats: Map<string, RTCStatsReport> = await (el as unknown as { getStats(): Promise<Map<string, RTCStatsReport>> }).getStats();
      let decoding = 0;
      for (const report of stats.values()) {
        for (const s of report.values()) if (s.type === "inbound-rtp" && s.kind === "video" && s.framesDecoded > 0) decoding++;
      }
      const videos = [...el.shadowRoot!.querySelectorAll("video[part~='remote-video']")] as HTMLVideoElement[];
      return decoding >= n && videos.length === n && videos.every((v) => v.videoWidth > 0);
    },
    count,
    { timeout: 20_000, polling: 250 },
  );
}

describe("two pages in one room", () => {
  test("both reach decoded remote frames through the real pages", async () => {
    const room = `e2e-${Date.now().toString(36)}`;
    const ctxA = await browser.newContext();
    const ctxB = await browser.newContext();
    const a = await ctxA.newPage();
    const b = await ctxB.newPage();
    const cspViolations: string[] = [];
    for (const p of [a, b]) {
      p.on("console", (m) => {
        if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
      });
    }
    await enterRoom(a, `${server.url}/room/${room}`);
    await a.waitForFunction(() => document.querySelector("video-call")?.getAttribute("state") === "waiting");
    await enterRoom(b, `${server.url}/room/${room}`);
    await waitForRemoteFrames(a);
    await waitForRemoteFrames(b);
    expect(cspViolations).toEqual([]);
    await ctxA.close();
    await ctxB.close();
  }, 60_000);

  test("the home page's form leads to the room page, with and without JavaScript", async () => {
    for (const javaScriptEnabled of [true, false]) {
      const ctx = await browser.newContext({ javaScriptEnabled });
      const page = await ctx.newPage();
      await page.goto(server.url + "/");
      const room = `form-${javaScriptEnabled ? "js" : "nojs"}`;
      await page.getByRole("textbox", { name: "Room name" }).fill(room);
      await Promise.all([page.waitForURL(`**/room/${room}`), page.getByRole("button", { name: "Join" }).click()]);
      expect(new URL(page.url()).pathname).toBe(`/room/${room}`);
      await ctx.close();
    }
  }, 30_000);
});
