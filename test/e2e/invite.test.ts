/**
 * The room page's "Copy invite link", under the pages' real CSP: from the keyboard it copies
 * the room's address (without the query) to the clipboard and says so; where the Clipboard
 * API is missing or refuses, it selects the address in its field instead; without JavaScript
 * the address is there to copy by hand; axe passes with the confirmation shown, on a phone.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import * as path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchBrowser } from "../support/browsers/browser.ts";
import { collectErrors, type PageErrors } from "../support/browsers/page-errors.ts";
import { type ServerProcess, spawnServer } from "../support/services/server-process.ts";
import { joinFromLobby } from "../support/browsers/video-call-probe.ts";

const AXE = path.resolve(import.meta.dir, "../../node_modules/axe-core/axe.min.js");
let server: ServerProcess;
let browser: Browser;
const seen: PageErrors = { errors: [], socketFailures: [] };

beforeAll(async () => {
  server = await spawnServer({ LOG_LEVEL: "error" });
  browser = await launchBrowser();
}, 30_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const room = () => `invite-${Math.random().toString(36).slice(2, 10)}`;

async function roomPage(context: BrowserContext, name: string, query = ""): Promise<Page> {
  const page = await context.newPage();
  collectErrors(page, name, seen);
  const violations: string[] = [];
  await page.exposeFunction("__cspViolation", (v: string) => violations.push(v));
  await page.addInitScript(() => document.addEventListener("securitypolicyviolation", (e) => (window as unknown as { __cspViolation(v: string): void }).__cspViolation(e.violatedDirective)));
  await page.goto(`${server.url}/room/${name}${query}`);
  await page.waitForFunction(() => !!customElements.get("copy-link") && !document.querySelector<HTMLButtonElement>("copy-link button")!.hidden);
  (page as unknown as { cspViolations: string[] }).cspViolations = violations;
  return page;
}

/** Presses Tab until the Copy button has the focus (at most 12 times), then Enter. */
async function pressCopyFromKeyboard(page: Page) {
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press("Tab");
    if (await page.evaluate(() => document.activeElement === document.querySelector("copy-link button"))) {
      await page.keyboard.press("Enter");
      return;
    }
  }
  throw new Error("the Copy invite link button is not reachable with Tab");
}

const status = (page: Page) => page.locator("copy-link [role=status]");

test("without JavaScript the address is on the page to copy; the button waits for the script", async () => {
  const name = room();
  const html = await (await fetch(`${server.url}/room/${name}?token=mine`)).text();
  expect(html).toContain(`<input id="invite-link" readonly="" value="${server.url}/room/${name}"`);
  expect(html).toMatch(/<button type="button" hidden="">\s*Copy invite link\s*<\/button>/);
  expect(html).toMatch(/<label for="invite-link">Invite link<\/label>/);
  // The token is this person's own: not in the link to share.
  expect(html.match(/value="[^"]*"/)![0]).not.toContain("token");
});

test("Copy invite link, from the keyboard, puts the room's address on the clipboard and says so", async () => {
  const context = await browser.newContext({ viewport: { width: 360, height: 800 } });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url });
  const name = room();
  const page = await roomPage(context, name, "?ref=mail#top");
  await pressCopyFromKeyboard(page);
  await status(page).filter({ hasText: "Link copied." }).waitFor({ timeout: 5_000 });
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(`${server.url}/room/${name}`);
  expect(await page.locator("#invite-link").inputValue()).toBe(`${server.url}/room/${name}`);
  // The confirmation is polite (role=status), the focus stays on the button.
  expect(await status(page).getAttribute("role")).toBe("status");
  expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe("Copy invite link");
  // A second press is announced again (the region is emptied, then filled).
  await page.evaluate(() => {
    const region = document.querySelector("copy-link [role=status]")!;
    const log: string[] = [];
    new MutationObserver(() => log.push(region.textContent!)).observe(region, { childList: true, characterData: true, subtree: true });
    (window as unknown as { __log: string[] }).__log = log;
  });
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => (window as unknown as { __log: string[] }).__log.at(-1) === "Link copied.");
  expect(await page.evaluate(() => (window as unknown as { __log: string[] }).__log)).toEqual(["", "Link copied."]);
  // Fits the phone, target large enough to tap.
  const box = (await page.locator("copy-link button").boundingBox())!;
  expect(box.height).toBeGreaterThanOrEqual(44);
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  expect((page as unknown as { cspViolations: string[] }).cspViolations).toEqual([]);
  expect(seen.errors).toEqual([]);
  await context.close();
}, 30_000);

for (const [what, script] of [
  ["missing", () => Object.defineProperty(Navigator.prototype, "clipboard", { get: () => undefined })],
  ["refused", () => (navigator.clipboard.writeText = () => Promise.reject(new DOMException("Write permission denied.", "NotAllowedError")))],
] as const) {
  test(`with the Clipboard API ${what}, the address is selected and focused in its field, and that is said`, async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 800 } });
    await context.addInitScript(script);
    const name = room();
    const page = await roomPage(context, name);
    await pressCopyFromKeyboard(page);
    await status(page).filter({ hasText: "The link is selected" }).waitFor({ timeout: 5_000 });
    const selected = await page.evaluate(() => {
      const input = document.activeElement as HTMLInputElement;
      return { id: input.id, start: input.selectionStart, end: input.selectionEnd, value: input.value };
    });
    expect(selected).toMatchObject({ id: "invite-link", start: 0, end: `${server.url}/room/${name}`.length, value: `${server.url}/room/${name}` });
    expect((page as unknown as { cspViolations: string[] }).cspViolations).toEqual([]);
    expect(seen.errors).toEqual([]);
    await context.close();
  }, 30_000);
}

test("axe passes on a phone with the confirmation shown, light and dark", async () => {
  for (const colorScheme of ["light", "dark"] as const) {
    // axe goes in as an inline script: only it bypasses the policy here.
    const context = await browser.newContext({ viewport: { width: 360, height: 800 }, colorScheme, bypassCSP: true });
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url });
    const page = await roomPage(context, room());
    await joinFromLobby(page);
    await page.waitForFunction(() => document.querySelector("video-call")?.getAttribute("state") === "waiting", undefined, { timeout: 15_000 });
    await pressCopyFromKeyboard(page);
    await status(page).filter({ hasText: "Link copied." }).waitFor({ timeout: 5_000 });
    await page.addScriptTag({ path: AXE });
    const violations = await page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run(): Promise<{ violations: { id: string; nodes: { target: unknown }[] }[] }> } }).axe;
      const r = await axe.run();
      return r.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${JSON.stringify(n.target)}`));
    });
    expect(violations).toEqual([]);
    await context.close();
  }
}, 60_000);
