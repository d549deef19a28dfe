/**
 * Both sides of a call see a media outage at the same moment, and both would restart ICE:
 * their restart offers must not collide. Page b runs in a network namespace whose packets
 * are dropped for 10 s (signaling stays up); the impolite side makes the restart's offer,
 * the polite side answers it and makes none of its own (no rollback), both report the
 * restart, and afterwards each shows the other's moving picture again.
 */
import { expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { isPolite } from "../../src/shared/wire.ts";
import { useNetnsCall } from "../support/browsers/netns-call.ts";
import { type CallSnapshot, enterRoom, recoveryEvents, inPage, installProbe, snapshot } from "../support/browsers/video-call-probe.ts";
import { pollUntil } from "../support/poll.ts";

const call = useNetnsCall();

interface Seen {
  /** Signaling states every connection of the page went through, with when (ms since the epoch). */
  states: { state: string; t: number }[];
  /** Remote frames presented (requestVideoFrameCallback), when. */
  frames: number[];
}

/** Runs in the page before its scripts: notes signaling states and presented remote frames. */
function watch() {
  const seen: Seen = { states: [], frames: [] };
  (window as unknown as { __seen: Seen }).__seen = seen;
  const Native = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Native {
    constructor(config?: RTCConfiguration) {
      super(config);
      this.addEventListener("signalingstatechange", () => seen.states.push({ state: this.signalingState, t: Date.now() }));
    }
  } as typeof RTCPeerConnection;
  const watched = new WeakSet<HTMLVideoElement>();
  setInterval(() => {
    for (const v of document.querySelector("video-call")?.shadowRoot?.querySelectorAll<HTMLVideoElement>("video[part~='remote-video']") ?? []) {
      if (watched.has(v)) continue;
      watched.add(v);
      let last = -1;
      const onFrame = (_: number, frame: VideoFrameCallbackMetadata) => {
        if (frame.mediaTime !== last) seen.frames.push(Date.now());
        last = frame.mediaTime;
        v.requestVideoFrameCallback(onFrame);
      };
      v.requestVideoFrameCallback(onFrame);
    }
  }, 50);
}

const seenBy = (page: Page) => inPage(page, () => (window as unknown as { __seen: Seen }).__seen, null);
const until = (page: Page, ok: (s: CallSnapshot) => boolean, what: string, ms = 30_000) => pollUntil(() => snapshot(page), ok, what, ms);
const decoding = (s: CallSnapshot) => s.state === "connected" && Object.values(s.links).some((l) => l.videoFramesDecoded > 0);

test("after an outage both sides see, one ICE restart offer is made and answered, and the picture moves again", async () => {
  const { ns, server, outside, inside } = call.current;
  const room = `glare-${Date.now().toString(36)}`;
  const a = await (await outside.newContext()).newPage();
  const b = await (await inside.newContext()).newPage();
  for (const p of [a, b]) {
    await installProbe(p);
    await p.addInitScript(watch);
  }
  await enterRoom(a, `${server.url}/room/${room}`);
  await until(a, (s) => s.state === "waiting", "a waiting");
  await enterRoom(b, `${server.url}/room/${room}`);
  const [sa, sb] = [await until(a, decoding, "a decoding"), await until(b, decoding, "b decoding")];
  const politePage = isPolite(sa.selfId!, sb.selfId!) ? a : b;
  const impolitePage = politePage === a ? b : a;

  const cut = Date.now();
  await ns.breakMedia(server.port);
  try {
    // Long enough for both sides to go `disconnected` and to restart ICE (about 8.5 s in).
    await Bun.sleep(10_000);
  } finally {
    await ns.restoreMedia();
  }
  const restored = Date.now();
  for (const p of [a, b]) await until(p, decoding, "decoding again");
  const movingAgain = async (p: Page) => (await seenBy(p)).frames.filter((t) => t > restored).length >= 10;
  await pollUntil(async () => (await movingAgain(a)) && (await movingAgain(b)), (ok) => ok, "both pictures moving again", 15_000);

  const after = async (p: Page) => (await seenBy(p)).states.filter((s) => s.t > cut).map((s) => s.state);
  // The impolite side offered; the polite side only answered: nothing was rolled back.
  expect(await after(impolitePage)).toEqual(["have-local-offer", "stable"]);
  expect(await after(politePage)).toEqual(["have-remote-offer", "stable"]);
  // Both say their connection is being recovered.
  for (const p of [a, b]) expect((await recoveryEvents(p, "ice-restart")).length).toBe(1);
}, 90_000);
