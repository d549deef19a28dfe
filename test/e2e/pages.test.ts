/**
 * The site's pages as people use them: axe on each page (shadow roots included) in light
 * and dark mode, a long room name on a 360 px phone, the 400 page's form, and the title
 * that says someone joined while the tab is in the background.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import * as path from "node:path";
import type { Browser, Page } from "playwright-core";
import { launchBrowser } from "../support/browsers/browser.ts";
import { type ServerProcess, spawnServer } from "../support/services/server-process.ts";
import { joinFromLobby } from "../support/browsers/video-call-probe.ts";

const AXE = path.resolve(import.meta.dir, "../../node_modules/axe-core/axe.min.js");
let server: ServerProcess;
let browser: Browser;

beforeAll(async () => {
  server = await spawnServer({ LOG_LEVEL: "error" });
  browser = await launchBrowser();
}, 30_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function open(pathname: string, options: { width?: number; scheme?: "light" | "dark" } = {}): Promise<Page> {
  // The pages' CSP allows no inline script; axe is injected as one, so only it bypasses the policy.
  const context = await browser.newContext({ viewport: { width: options.width ?? 1280, height: 800 }, colorScheme: options.scheme ?? "light", bypassCSP: true });
  const page = await context.newPage();
  await page.goto(server.url + pathname);
  return page;
}

/** axe's violations on the whole page, as "rule: target" lines. */
async function violations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(): Promise<{ violations: { id: string; nodes: { target: unknown }[] }[] }> } }).axe;
    const r = await axe.run();
    return r.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${JSON.stringify(n.target)}`));
  });
}

const settled = (page: Page, selector: string, state: string) =>
  page.waitForFunction(([s, st]) => document.querySelector(s!)?.getAttribute("state") === st, [selector, state] as const, { timeout: 15_000 });

test("every page passes axe in light and dark mode", async () => {
  for (const scheme of ["light", "dark"] as const) {
    const home = await open("/", { scheme });
    await home.waitForFunction(() => !!customElements.get("room-join"));
    // A bad name on the home form, as a person would type it.
    await home.locator("room-join input[part~=input]").fill("not valid!");
    expect(await violations(home)).toEqual([]);
    // And a good one, with the room's occupancy in its muted grey.
    await home.locator("room-join input[part~=input]").fill(`free-${scheme}`);
    await home.waitForFunction(() => !!document.querySelector("room-join")!.shadowRoot!.querySelector("output")!.textContent, undefined, { timeout: 10_000 });
    expect(await violations(home)).toEqual([]);
    const bad = await open("/room/not%20valid", { scheme });
    expect(await violations(bad)).toEqual([]);
    const room = await open(`/room/axe-${scheme}-${Date.now().toString(36)}`, { scheme });
    // The lobby first, then the call.
    await settled(room, "video-call", "lobby");
    await room.waitForFunction(() => (document.querySelector("video-call") as HTMLElement & { localStream: unknown }).localStream !== null);
    expect(await violations(room)).toEqual([]);
    await joinFromLobby(room);
    await settled(room, "video-call", "waiting");
    expect(await violations(room)).toEqual([]);
    const loopback = await open("/loopback", { scheme });
    expect(await violations(loopback)).toEqual([]);
    for (const p of [home, bad, room, loopback]) await p.context().close();
  }
}, 60_000);

test("a long room name fits a 360 px phone, with the whole name kept", async () => {
  const name = "a_very_long_room_name_for_the_whole_team-standup_x";
  expect(name.length).toBe(50);
  const page = await open(`/room/${name}`, { width: 360 });
  const fits = async () => {
    const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, view: window.innerWidth }));
    expect(widths.page).toBeLessThanOrEqual(widths.view);
  };
  // The lobby (preview, meter, pickers) fits, and so does the call.
  await settled(page, "video-call", "lobby");
  await page.waitForFunction(() => !!document.querySelector("video-call")!.shadowRoot!.querySelector("select"));
  await fits();
  await joinFromLobby(page);
  await settled(page, "video-call", "waiting");
  await fits();
  const shown = page.locator(".room-name");
  expect(await shown.getAttribute("title")).toBe(name);
  expect(await shown.textContent()).toBe(name);
  expect(await page.title()).toContain(name);
  await page.context().close();
});

test("the 400 page: the home page's form, its field focused and tied to the error", async () => {
  const page = await open("/room/bad%20name");
  await page.waitForFunction(() => !!customElements.get("room-join"));
  const look = await page.evaluate(() => {
    const el = document.querySelector("room-join")!;
    const input = el.shadowRoot!.querySelector("input")!;
    const describedBy = input.getAttribute("aria-describedby")!;
    return {
      focused: el.shadowRoot!.activeElement === input,
      value: input.value,
      invalid: input.getAttribute("aria-invalid"),
      error: el.shadowRoot!.getElementById(describedBy)?.textContent,
    };
  });
  expect(look).toEqual({ focused: true, value: "bad name", invalid: "true", error: "Room name may only hold letters, digits, '-' and '_'." });
  await page.context().close();
});

test("the title says how many are in the call, for a tab in the background", async () => {
  const room = `title-${Date.now().toString(36)}`;
  const a = await open(`/room/${room}`);
  await joinFromLobby(a);
  await settled(a, "video-call", "waiting");
  expect(await a.title()).toBe(`(1) Room ${room} · Roomcall`);
  const b = await open(`/room/${room}`);
  await joinFromLobby(b);
  await a.waitForFunction(() => document.title.startsWith("(2) "), undefined, { timeout: 15_000 });
  await b.context().close();
  await a.waitForFunction(() => document.title.startsWith("(1) "), undefined, { timeout: 15_000 });
  await a.evaluate(() => (document.querySelector("video-call") as HTMLElement & { hangUp(): void }).hangUp());
  expect(await a.title()).toBe(`Room ${room} · Roomcall`);
  await a.context().close();
}, 40_000);
