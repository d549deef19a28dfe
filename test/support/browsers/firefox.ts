/**
 * Headless Firefox ESR (Debian's package) with a fake camera and microphone, driven by
 * puppeteer-core over WebDriver BiDi (playwright drives only its own Firefox build).
 */
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import prefs from "./firefox-prefs.json";

export const FIREFOX_PATH = process.env.FIREFOX_PATH ?? "/usr/bin/firefox-esr";

/** The same prefs as the component tests: fake devices, no permission prompt, autoplay allowed. */
export const FIREFOX_PREFS: Record<string, unknown> = prefs;

export function launchFirefox(prefs: Record<string, unknown> = FIREFOX_PREFS): Promise<Browser> {
  return puppeteer.launch({ browser: "firefox", executablePath: FIREFOX_PATH, headless: true, extraPrefsFirefox: prefs });
}

/** Firefox's own autoplay policy, as people have it: media with sound waits for a click. */
export const { "media.autoplay.default": _, ...FIREFOX_PREFS_AS_INSTALLED } = FIREFOX_PREFS;

/** A page in a context of its own (its own storage, as another person's browser would be). */
export async function firefoxPage(browser: Browser): Promise<Page> {
  return (await browser.createBrowserContext()).newPage();
}
