/** Headless Chromium with a fake camera and microphone, driven by playwright-core. */
import { type Browser, chromium } from "playwright-core";
import args from "./chromium-args.json";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** As root, without a GPU or network beyond loopback, with a fake camera and microphone. */
export const CHROMIUM_ARGS: string[] = args;

/** `extraArgs` go after the project's flags (e.g. an origin to treat as secure). */
export function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: [...CHROMIUM_ARGS, ...extraArgs] });
}

/**
 * Pages on a plain-HTTP origin other than loopback get no camera or microphone (not a
 * secure context); this flag lets Chromium treat the given origins as secure.
 */
export const secureOrigins = (...origins: string[]) => `--unsafely-treat-insecure-origin-as-secure=${origins.join(",")}`;
