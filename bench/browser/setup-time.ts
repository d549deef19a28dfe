/**
 * Call set-up time in headless Chromium with fake devices: from the start of a call to the
 * first remote frame on screen, median of `runs`, for (a) a raw two-RTCPeerConnection
 * loopback with no component (the baseline), (b) <loopback-demo>, (c) two pages calling each
 * other through the running server (from the newcomer's `joined` event).
 */
import { launchBrowser } from "../../test/support/browser.ts";
import { median } from "../lib/stats.ts";

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

export async function setupTimeBench(serverUrl: string, runs = 12) {
  const browser = await launchBrowser();
  try {
    const raw = await (await browser.newContext()).newPage();
    await raw.goto(`${serverUrl}/healthz`);
    const demo = await (await browser.newContext()).newPage();
    await demo.goto(`${serverUrl}/loopback`);
    await demo.waitForFunction(() => customElements.get("loopback-demo") !== undefined);
    const a: number[] = [];
    const b: number[] = [];
    const c: number[] = [];
    // Interleaved, so a noisy moment hits every variant alike.
    for (let i = 0; i < runs; i++) {
      a.push(...(await raw.evaluate(rawLoopback, 1)));
      b.push(
        await demo.evaluate(async () => {
          const el = document.querySelector("loopback-demo") as HTMLElement & { start(): Promise<void>; call(): Promise<void>; hangUp(): void };
          await el.start();
          const shown = new Promise<number>((r) => el.addEventListener("first-frame", (e) => r((e as CustomEvent).detail.ms), { once: true }));
          await el.call();
          const ms = await shown;
          el.hangUp();
          return ms;
        }),
      );
      c.push(await twoPages(browser, serverUrl, `bench-${Date.now().toString(36)}-${i}`));
    }
    return { runs, raw: median(a), loopbackDemo: median(b), twoPages: median(c), samples: { a, b, c } };
  } finally {
    await browser.close();
  }
}

/** (c): two pages open the room; the second (the newcomer) measures joined → first remote frame. */
export async function twoPages(browser: Awaited<ReturnType<typeof launchBrowser>>, serverUrl: string, room: string): Promise<number> {
  const first = await (await browser.newContext()).newPage();
  const second = await (await browser.newContext()).newPage();
  await second.addInitScript(() => {
    const w = window as unknown as { __setup?: Promise<number> };
    w.__setup = new Promise<number>((resolve) => {
      document.addEventListener("joined", () => {
        const t0 = performance.now();
        const find = () => {
          const v = document.querySelector("video-call")?.shadowRoot?.querySelector<HTMLVideoElement>("video[part~='remote-video']");
          if (v) v.requestVideoFrameCallback((_now, frame) => resolve(frame.presentationTime - t0));
          else requestAnimationFrame(find);
        };
        find();
      });
    });
  });
  await first.goto(`${serverUrl}/room/${room}`);
  await first.waitForFunction(() => document.querySelector("video-call")?.getAttribute("state") === "waiting");
  await second.goto(`${serverUrl}/room/${room}`);
  const ms = await second.evaluate(() => (window as unknown as { __setup: Promise<number> }).__setup);
  await first.context().close();
  await second.context().close();
  return ms;
}
