/** Small helpers for the component tests (imported by *.test.ts only). */
import type { VideoCall } from "../video-call/video-call.ts";

const FIREFOX = navigator.userAgent.includes("Firefox/");

/**
 * Whether the browser running the tests can capture a screen: headless Chromium offers a
 * fake one; headless Firefox has no display, so getDisplayMedia rejects (NotFoundError).
 * The tests expect exactly this, so a browser that stops sharing, or starts, is noticed.
 */
export const SCREEN_CAPTURE = !FIREFOX;

/** Firefox lets a page share a screen only in answer to a click or key press (transient activation). */
export const SCREEN_SHARE_NEEDS_GESTURE = FIREFOX;

/** Polls `check` until it returns a truthy value or `timeoutMs` passes. */
export async function until<T>(check: () => T | Promise<T>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Total inbound video frames decoded in a stats report. */
export function framesDecoded(report: RTCStatsReport | null | undefined): number {
  let n = 0;
  report?.forEach((s) => {
    if (s.type === "inbound-rtp" && s.kind === "video") n += s.framesDecoded ?? 0;
  });
  return n;
}

/** Resolves true once the video has a picture and its clock moves on. */
export async function playing(video: HTMLVideoElement): Promise<boolean> {
  await until(() => video.videoWidth > 0, "video dimensions");
  const t0 = video.currentTime;
  await until(() => video.currentTime > t0, "video time to advance");
  return true;
}

/** The signaling server of rooms of two that the test runner starts for every run. */
export const URL_PAIR = (window as unknown as { __SIGNALING_URL__: string }).__SIGNALING_URL__;

/** A <video-call> on the page, its `attributes` set before `room` (which starts it), signaling through `url`. */
export function callIn(room: string, attributes: Record<string, string> = {}, url = URL_PAIR): VideoCall {
  const el = document.createElement("video-call");
  el.setAttribute("signaling-url", url);
  for (const [k, v] of Object.entries(attributes)) el.setAttribute(k, v);
  el.setAttribute("room", room);
  document.body.append(el);
  return el;
}
