/** Headless Chromium with a fake camera and microphone, driven by playwright-core. */
import { type Browser, chromium } from "playwright-core";
import args from "./chromium-args.json";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** As root, without a GPU or network beyond loopback, with a fake camera and microphone. */
export const CHROMIUM_ARGS: string[] = args;

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}
