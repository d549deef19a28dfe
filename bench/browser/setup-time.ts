/**
 * Call set-up time in a headless browser with fake devices: from the start of a call to the
 * first remote frame on screen, median of `runs`, for (a) a raw two-RTCPeerConnection
 * loopback with no component (the baseline), (b) <loopback-demo>, (c) two pages of the same
 * browser calling each other through the running server (from the moment the newcomer is seated with its camera on),
 * on the room page without its lobby (`?lobby=off`): the call's own set-up, as before the lobby.
 */
import { beforeScripts, inPage, type Page } from "../../test/support/browsers/video-call-probe.ts";
import { median } from "../lib/stats.ts";
import type { BenchBrowser } from "./bench-browser.ts";

/** (a): the same browser, the same media, no component and no server. */
async function rawLoopback(runs: number): Promise<number[]> {
  const out: number[] = [];
  const stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
  for (let i = 0; i < runs; i++) {
    const video = document.createElement("video");
    video.muted = true;
    video.playsInline = true;
    video.autoplay = true;
    document.body.append(video);
    const t0 = performance.now();
    const pc1 = new RTCPeerConnection();
    const pc2 = new RTCPeerConnection();
    pc1.onicecandidate = (e) => void pc2.addIceCandidate(e.candidate ?? undefined);
    pc2.onicecandidate = (e) => void pc1.addIceCandidate(e.candidate ?? undefined);
    // The frame's presentation time, as <loopback-demo> measures it.
    const shown = new Promise<number>((resolve) => video.requestVideoFrameCallback((_now, frame) => resolve(frame.presentationTime)));
    pc2.ontrack = (e) => {
      if (video.srcObject !== e.streams[0]) video.srcObject = e.streams[0]!;
    };
    for (const t of stream.getTracks()) pc1.addTrack(t, stream);
    await pc1.setLocalDescription();
    await pc2.setRemoteDescription(pc1.localDescription!);
    await pc2.setLocalDescription();
    await pc1.setRemoteDescription(pc2.localDescription!);
    out.push((await shown) - t0);
    pc1.close();
    pc2.close();
    video.remove();
  }
  for (const t of stream.getTracks()) t.stop();
  return out;
}

/** (b): one call of the page's <loopback-demo>, Call → first frame as it reports it. */
async function loopbackDemoCall(): Promise<number> {
  const el = document.querySelector("loopback-demo") as HTMLElement & { start(): Promise<void>; call(): Promise<void>; hangUp(): void };
  await el.start();
  const shown = new Promise<number>((r) => el.addEventListener("first-frame", (e) => r((e as CustomEvent).detail.ms), { once: true }));
  await el.call();
  const ms = await shown;
  el.hangUp();
  return ms;
}

/** Polls `check` in the page until it holds, for at most `ms`; a timeout says where the page's call was. */
async function until(page: Page, check: () => boolean, what: string, ms = 20_000) {
  for (const deadline = Date.now() + ms; !(await inPage(page, check, null)); await Bun.sleep(50)) {
    if (Date.now() > deadline) {
      const where = await inPage(page, () => {
        const el = document.querySelector("video-call");
        return el ? `state ${el.getAttribute("state")}, media-error ${el.getAttribute("media-error") ?? "none"}: "${el.shadowRoot?.querySelector("[part~='state']")?.textContent?.trim() ?? ""}"` : `no <video-call> at ${location.href}`;
      }, null).catch((err) => `page unreadable (${err})`);
      throw new Error(`timed out waiting for ${what} (${where})`);
    }
  }
}

/**
 * (a), (b) and (c) interleaved, `runs` times; with `earlierUrl` (a server of an earlier
 * revision) also (c) against it, alternating which of the two goes first.
 */
export async function setupTimeBench(browser: BenchBrowser, serverUrl: string, runs = 12, earlierUrl?: string) {
  const raw = await browser.open(`${serverUrl}/healthz`);
  const demo = await browser.open(`${serverUrl}/loopback`);
  try {
    await until(demo.page, () => customElements.get("loopback-demo") !== undefined, "<loopback-demo> defined");
    const a: number[] = [];
    const b: number[] = [];
    const c: number[] = [];
    const earlier: number[] = [];
    let retried = 0;
    // Interleaved, so a noisy moment hits every variant alike. The page measuring is brought to
    // the front: Firefox draws a tab in the background about once a second.
    for (let i = 0; i < runs; i++) {
      await raw.page.bringToFront();
      a.push(...(await inPage(raw.page, rawLoopback, 1)));
      await demo.page.bringToFront();
      b.push(await inPage(demo.page, loopbackDemoCall, null));
      const now = async () => c.push(await twoPagesRetried(browser, serverUrl, i, () => retried++));
      if (earlierUrl === undefined) {
        await now();
        continue;
      }
      const then = async () => earlier.push(await twoPagesRetried(browser, earlierUrl, i, () => retried++));
      if (i % 2 === 0) await now().then(then);
      else await then().then(now);
    }
    return {
      runs,
      raw: median(a),
      loopbackDemo: median(b),
      twoPages: median(c),
      twoPagesEarlier: earlierUrl === undefined ? null : median(earlier),
      samples: { a, b, c, earlier },
      retried,
    };
  } finally {
    await raw.close();
    await demo.close();
  }
}

/** Tries of one two-page run whose first page's camera did not start, before the run fails. */
const CAMERA_TRIES = 3;

/**
 * (c) once, in a fresh room each try: a first page left `starting` (its camera never came,
 * as Firefox's fake camera now and then does in a browser that has had many calls) is not a
 * measurement of the call, so that run is tried again; any other failure fails the bench.
 */
async function twoPagesRetried(browser: BenchBrowser, serverUrl: string, i: number, onRetry: () => void): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await twoPages(browser, serverUrl, `bench-${Date.now().toString(36)}-${i}-${attempt}`);
    } catch (err) {
      if (attempt >= CAMERA_TRIES || !String(err).includes("the first page waiting (state starting")) throw err;
      onRetry();
    }
  }
}

/** Runs before the newcomer's page scripts: times its camera, once seated → first frame of the remote video. */
function timeSetup() {
  const w = window as unknown as { __setup?: Promise<number> };
  w.__setup = new Promise<number>((resolve) => {
    // From the moment the newcomer has its seat and its camera (capture waits for the seat,
    // so that a full room never lights it) to the first remote frame: the call's own set-up.
    // The camera is there when getUserMedia resolves, whatever the element does next.
    let capturing = false;
    let started = false;
    let cameraAt = NaN;
    const media = navigator.mediaDevices;
    const getUserMedia = media.getUserMedia.bind(media);
    media.getUserMedia = async (constraints) => {
      const stream = await getUserMedia(constraints);
      if (capturing && !started) cameraAt = performance.now();
      return stream;
    };
    document.addEventListener("call-state", (e) => {
      const state = (e as CustomEvent<{ state: string }>).detail.state;
      if (state === "starting") capturing = true;
      else if (capturing && !started) {
        started = true;
        const t0 = Number.isNaN(cameraAt) ? performance.now() : cameraAt;
        const find = () => {
          const v = document.querySelector("video-call")?.shadowRoot?.querySelector<HTMLVideoElement>("video[part~='remote-video']");
          if (v) v.requestVideoFrameCallback((_now, frame) => resolve(frame.presentationTime - t0));
          else requestAnimationFrame(find);
        };
        find();
      }
    });
  });
}

/** (c): two pages open the room; the second (the newcomer) measures seated with its camera → first remote frame. */
export async function twoPages(browser: BenchBrowser, serverUrl: string, room: string): Promise<number> {
  const first = await browser.open(`${serverUrl}/room/${room}?lobby=off`);
  const second = await browser.blank();
  try {
    await beforeScripts(second.page, timeSetup, null);
    await until(first.page, () => document.querySelector("video-call")?.getAttribute("state") === "waiting", `${browser.name}: the first page waiting`);
    await second.page.bringToFront();
    await second.page.goto(`${serverUrl}/room/${room}?lobby=off`);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${browser.name}: no remote frame within 30 s`)), 30_000)));
    const setup = inPage(second.page, () => (window as unknown as { __setup: Promise<number> }).__setup, null);
    return await Promise.race([setup, late]).finally(() => clearTimeout(timer));
  } finally {
    await first.close();
    await second.close();
  }
}
