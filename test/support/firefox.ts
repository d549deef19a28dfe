/**
 * Headless Firefox ESR (Debian's package) with a fake camera and microphone, driven by
 * puppeteer-core over WebDriver BiDi (playwright drives only its own Firefox build).
 */
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import prefs from "./firefox-prefs.json";

export const FIREFOX_PATH = process.env.FIREFOX_PATH ?? "/usr/bin/firefox-esr";

/** The same prefs as the component tests: fake devices, no permission prompt, autoplay allowed. */
export const FIREFOX_PREFS: Record<string, unknown> = prefs;

export function launchFirefox(): Promise<Browser> {
  return puppeteer.launch({ browser: "firefox", executablePath: FIREFOX_PATH, headless: true, extraPrefsFirefox: FIREFOX_PREFS });
}

/** A page in a context of its own (its own storage, as another person's browser would be). */
export async function firefoxPage(browser: Browser): Promise<Page> {
  return (await browser.createBrowserContext()).newPage();
}
