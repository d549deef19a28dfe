/**
 * A browser the call set-up bench measures in, whichever driver runs it: headless Chromium
 * (playwright-core) or headless Firefox ESR (puppeteer-core). Each page gets a context of its
 * own, as another person's browser would be.
 */
import { launchBrowser } from "../../test/support/browsers/browser.ts";
import { firefoxPage, launchFirefox } from "../../test/support/browsers/firefox.ts";
import type { Page } from "../../test/support/browsers/video-call-probe.ts";

export interface BenchPage {
  page: Page;
  /** Closes the page with its context. */
  close(): Promise<void>;
}

export interface BenchBrowser {
  name: "Chromium" | "Firefox";
  open(url: string): Promise<BenchPage>;
  /** A page that has not navigated yet (to add scripts that run before the page's own). */
  blank(): Promise<BenchPage>;
  close(): Promise<void>;
}

export async function chromiumBench(): Promise<BenchBrowser> {
  const browser = await launchBrowser();
  const blank = async (): Promise<BenchPage> => {
    const context = await browser.newContext();
    return { page: await context.newPage(), close: () => context.close() };
  };
  return { name: "Chromium", blank, open: (url) => goto(blank, url), close: () => browser.close() };
}

export async function firefoxBench(): Promise<BenchBrowser> {
  const browser = await launchFirefox();
  const blank = async (): Promise<BenchPage> => {
    const page = await firefoxPage(browser);
    return { page, close: () => page.browserContext().close() };
  };
  return { name: "Firefox", blank, open: (url) => goto(blank, url), close: () => browser.close() };
}

async function goto(blank: () => Promise<BenchPage>, url: string): Promise<BenchPage> {
  const p = await blank();
  await p.page.goto(url);
  return p;
}
