/**
 * Embedding from another origin: a plain page elsewhere loads /assets/embed.js with a module
 * script and puts <video-call> in it. Allowed origins get a working call; others are refused.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { launchBrowser } from "../support/browsers/browser.ts";
import { freePort, type ServerProcess, spawnServer } from "../support/services/server-process.ts";

let server: ServerProcess;
let browser: Browser;
const embedders: ReturnType<typeof Bun.serve>[] = [];

/** A foreign site on another loopback address, serving one page that embeds the call. */
function embeddingSite(hostname: string, room: string) {
  const site = Bun.serve({
    hostname,
    port: freePort(),
    fetch: () =>
      new Response(
        `<!DOCTYPE html><html><body><h1>Someone else's page</h1>
<script type="module" src="${server.url}/assets/embed.js"></script>
<video-call room="${room}"></video-call></body></html>`,
        { headers: { "content-type": "text/html" } },
      ),
  });
  embedders.push(site);
  return `http://${hostname}:${site.port}/`;
}

beforeAll(async () => {
  // Chromium counts all of 127.0.0.0/8 as secure, so camera access works on these origins.
  const port = freePort();
  server = await spawnServer({ PORT: String(port), ALLOWED_ORIGINS: `http://127.0.0.2:${port + 1}` });
  browser = await launchBrowser();
}, 30_000);
afterAll(async () => {
  await browser?.close();
  for (const s of embedders) s.stop(true);
  await server?.stop();
});

const stateOf = (p: Page) => p.evaluate(() => document.querySelector("video-call")?.getAttribute("state"));

test("an allowed site embeds a working call with one script tag", async () => {
  const room = `embed-${Date.now().toString(36)}`;
  const allowed = Bun.serve({
    hostname: "127.0.0.2",
    port: server.port + 1,
    fetch: () =>
      new Response(
        `<!DOCTYPE html><html><body><script type="module" src="${server.url}/assets/embed.js"></script><video-call room="${room}"></video-call></body></html>`,
        { headers: { "content-type": "text/html" } },
      ),
  });
  embedders.push(allowed);
  const pages = await Promise.all([0, 1].map(async () => (await browser.newContext()).newPage()));
  for (const p of pages) await p.goto(`http://127.0.0.2:${allowed.port}/`);
  for (const p of pages) {
    await p.waitForFunction(
      async () => {
        const el = document.querySelector("video-call") as HTMLElement & { getStats(): Promise<Map<string, RTCStatsReport>> };
        if (el?.getAttribute("state") !== "connected") return false;
        let frames = 0;
        for (const r of (await el.getStats()).values()) r.forEach((s) => s.type === "inbound-rtp" && s.kind === "video" && (frames += s.framesDecoded));
        return frames > 0;
      },
      undefined,
      { timeout: 20_000, polling: 250 },
    );
  }
  for (const p of pages) await p.context().close();
}, 60_000);

test("a site that is not allowed is refused at the upgrade, and says so", async () => {
  const url = embeddingSite("127.0.0.3", "not-allowed");
  const page = await (await browser.newContext()).newPage();
  await page.goto(url);
  await page.waitForFunction(() => document.querySelector("video-call")?.getAttribute("state") === "failed", undefined, { timeout: 20_000 });
  const line = await page.evaluate(() => document.querySelector("video-call")!.shadowRoot!.querySelector("[part~=state]")!.textContent);
  expect(line).toContain("cannot be reached");
  expect(server.logs.some((l) => l.includes('"event":"origin-refused"') && l.includes("127.0.0.3"))).toBe(true);
  expect(await stateOf(page)).toBe("failed");
  await page.context().close();
}, 60_000);
