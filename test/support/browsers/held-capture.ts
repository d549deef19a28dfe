/**
 * A fault for a page: its camera and microphone are had only once the test lets them be, as
 * while a person is still answering the browser's permission prompt.
 */
import { beforeScripts, inPage, type Page } from "./video-call-probe.ts";

type Held = { captureAsked: number; allowCapture: () => void };

/** Runs in the page before its scripts. */
function holdCapture() {
  const w = window as unknown as Held;
  const allowed = new Promise<void>((resolve) => (w.allowCapture = resolve));
  w.captureAsked = 0;
  const native = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = async (constraints) => {
    w.captureAsked++;
    await allowed;
    return native(constraints);
  };
}

export const installHeldCapture = (page: Page) => beforeScripts(page, holdCapture, null);

/** How many times the page has asked for its camera or microphone so far. */
export const captureAsked = (page: Page) => inPage(page, () => (window as unknown as Held).captureAsked, null);

/** Lets the page have its camera and microphone, now and from now on. */
export const allowCapture = (page: Page) => inPage(page, () => (window as unknown as Held).allowCapture(), null);
