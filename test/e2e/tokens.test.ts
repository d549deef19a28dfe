/**
 * Join tokens in the browser: the built-in room page passes `?token=` on to <video-call>,
 * which joins with it; without one the call ends in `unauthorized`, saying why.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { SignJWT } from "jose";
import type { Browser, Page } from "playwright-core";
import { launchBrowser } from "../support/browsers/browser.ts";
import { type ServerProcess, spawnServer } from "../support/services/server-process.ts";
import { enterRoom } from "../support/browsers/video-call-probe.ts";

const SECRET = "the-embedding-sites-join-token-secret-0123";
let server: ServerProcess;
let browser: Browser;

beforeAll(async () => {
  server = await spawnServer({ JOIN_TOKEN_SECRET: SECRET, LOG_LEVEL: "error" });
  browser = await launchBrowser();
}, 30_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const mint = (room: string, extra: Record<string, unknown> = {}) =>
  new SignJWT({ room, exp: Math.floor(Date.now() / 1000) + 300, ...extra }).setProtectedHeader({ alg: "HS256" }).sign(new TextEncoder().encode(SECRET));

const state = (p: Page) => p.evaluate(() => document.querySelector("video-call")?.getAttribute("state"));
async function until(p: Page, want: string) {
  await p.waitForFunction((w) => document.querySelector("video-call")?.getAttribute("state") === w, want, { timeout: 20_000 });
}

test("a token in the room page's address admits; none gives a clear unauthorized state", async () => {
  const room = `tokens-${Date.now().toString(36)}`;
  const a = await (await browser.newContext()).newPage();
  await enterRoom(a, `${server.url}/room/${room}?token=${await mint(room, { name: "Ada Lovelace" })}`);
  await until(a, "waiting");
  const b = await (await browser.newContext()).newPage();
  await enterRoom(b, `${server.url}/room/${room}`);
  await until(b, "unauthorized");
  const line = await b.evaluate(() => document.querySelector("video-call")!.shadowRoot!.querySelector("[part~=state]")!.textContent);
  expect(line).toContain("needs an invitation");
  expect(line).toContain("carried none");
  // A token for another room does not do either.
  const c = await (await browser.newContext()).newPage();
  await enterRoom(c, `${server.url}/room/${room}?token=${await mint("elsewhere")}`);
  await until(c, "unauthorized");
  expect(await state(a)).toBe("waiting");
  // The right token connects the call.
  const d = await (await browser.newContext()).newPage();
  await enterRoom(d, `${server.url}/room/${room}?token=${await mint(room)}`);
  await until(a, "connected");
  await until(d, "connected");
  // The name in a's token labels a's tile at d, marked as confirmed by the site.
  const caption = () => d.evaluate(() => document.querySelector("video-call")!.shadowRoot!.querySelector("[part~=remote-tile] figcaption")?.textContent ?? "");
  await d.waitForFunction(() => document.querySelector("video-call")!.shadowRoot!.querySelector("[part~=remote-tile] figcaption")?.textContent?.includes("Ada Lovelace"), undefined, { timeout: 10_000 });
  expect(await caption()).toContain("(confirmed by the site)");
  for (const p of [a, b, c, d]) await p.context().close();
}, 60_000);
