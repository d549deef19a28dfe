/**
 * What a page of a recovery run records about its own call, from the outside of the element:
 * every new remote frame presented on screen (requestVideoFrameCallback, by the tile's peer;
 * a callback for the frame already shown, same mediaTime, is a re-presentation and only counted), the
 * frames each link has decoded (inbound-rtp framesDecoded from the element's getStats(),
 * every DECODED_EVERY_MS), state changes and connection-recovery events, all stamped on the
 * wall clock (ms since the epoch) so that they compare with the fault times the bench takes.
 */
import type { Page } from "playwright-core";

export interface Recorded {
  frames: { peer: string; t: number }[];
  /** Callbacks that presented the frame already shown again (same mediaTime): not in `frames`. */
  repeated: number;
  /** Video frames decoded so far, by peer, at time t. */
  decoded: { t: number; byPeer: Record<string, number> }[];
  states: { state: string; t: number }[];
  recoveries: { peer: string; action: string; t: number }[];
}

/** Frames kept per page: a minute's worth at 30 fps, ample for one run (and as many decoded samples). */
const KEEP_FRAMES = 2000;
export const DECODED_EVERY_MS = 100;

/** Runs in the page before its scripts (addInitScript). */
function record([keep, decodedEvery]: readonly [number, number]) {
  const rec: Recorded = { frames: [], repeated: 0, decoded: [], states: [], recoveries: [] };
  (window as unknown as { __record: Recorded }).__record = rec;
  const now = () => performance.timeOrigin + performance.now();
  document.addEventListener("call-state", (e) => rec.states.push({ state: (e as CustomEvent).detail.state, t: now() }));
  document.addEventListener("connection-recovery", (e) => {
    const d = (e as CustomEvent).detail;
    rec.recoveries.push({ peer: d.peer, action: d.action, t: now() });
  });
  // Every remote video gets a frame callback loop of its own, once, whatever it shows later.
  const watched = new WeakSet<HTMLVideoElement>();
  const watch = (video: HTMLVideoElement) => {
    if (watched.has(video)) return;
    watched.add(video);
    let shown = -1;
    const onFrame = (_now: number, frame: VideoFrameCallbackMetadata) => {
      if (frame.mediaTime === shown) {
        rec.repeated++;
      } else {
        shown = frame.mediaTime;
        rec.frames.push({ peer: video.dataset.peer ?? "", t: performance.timeOrigin + frame.presentationTime });
        if (rec.frames.length > keep) rec.frames.splice(0, rec.frames.length - keep);
      }
      video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
  };
  setInterval(() => {
    const videos = document.querySelector("video-call")?.shadowRoot?.querySelectorAll<HTMLVideoElement>("video[part~='remote-video']");
    videos?.forEach(watch);
  }, 50);
  let asking = false;
  setInterval(async () => {
    const el = document.querySelector("video-call") as unknown as { getStats?(): Promise<Map<string, RTCStatsReport>> } | null;
    if (asking || !el?.getStats) return;
    asking = true;
    // The stats are of the moment they are asked for.
    const t = now();
    try {
      const byPeer: Record<string, number> = {};
      for (const [peer, report] of await el.getStats()) {
        report.forEach((s) => {
          if (s.type === "inbound-rtp" && s.kind === "video") byPeer[peer] = (byPeer[peer] ?? 0) + (s.framesDecoded ?? 0);
        });
      }
      rec.decoded.push({ t, byPeer });
      if (rec.decoded.length > keep) rec.decoded.splice(0, rec.decoded.length - keep);
    } finally {
      asking = false;
    }
  }, decodedEvery);
}

export const installRecorder = (page: Page) => page.addInitScript(record, [KEEP_FRAMES, DECODED_EVERY_MS] as const);

/**
 * When frames were decoded again after `since`: the first sample at which a link (to a peer
 * other than `notFrom`) had decoded more than at the sample before; or null.
 */
export const decodingAgainAt = (page: Page, since: number, notFrom = "") =>
  page.evaluate(
    ([since, notFrom]) => {
      const samples = (window as unknown as { __record: Recorded }).__record.decoded;
      for (let i = 1; i < samples.length; i++) {
        if (samples[i]!.t <= since) continue;
        for (const [peer, n] of Object.entries(samples[i]!.byPeer)) {
          if (peer !== notFrom && n > (samples[i - 1]!.byPeer[peer] ?? 0)) return samples[i]!.t;
        }
      }
      return null;
    },
    [since, notFrom] as const,
  );

export const recorded = (page: Page): Promise<Recorded> => page.evaluate(() => (window as unknown as { __record: Recorded }).__record);

/** Frames in a row, none further apart than MAX_GAP_MS, that count as a moving picture again. */
export const STEADY_FRAMES = 5;
export const MAX_GAP_MS = 250;

/**
 * When the picture moved again after `since`: the first of STEADY_FRAMES presented frames in
 * a row (from a peer other than `notFrom`), none further apart than MAX_GAP_MS; or null. A
 * single frame followed by a freeze does not count.
 */
export const movingAgainAt = (page: Page, since: number, notFrom = "") =>
  page.evaluate(
    ([since, notFrom, steady, gap]) => {
      const frames = (window as unknown as { __record: Recorded }).__record.frames.filter((f) => f.t > since && f.peer !== notFrom);
      for (let i = 0; i + steady <= frames.length; i++) {
        let ok = true;
        for (let j = i + 1; j < i + steady && ok; j++) ok = frames[j]!.t - frames[j - 1]!.t <= gap;
        if (ok) return frames[i]!.t;
      }
      return null;
    },
    [since, notFrom, STEADY_FRAMES, MAX_GAP_MS] as const,
  );

/** Frames presented in [from, to). */
export const framesBetween = (r: Recorded, from: number, to: number) => r.frames.filter((f) => f.t >= from && f.t < to);

/** The longest time between consecutive presented frames that overlaps [from, to], in ms. */
export function longestGap(r: Recorded, from: number, to: number): number {
  let longest = 0;
  for (let i = 1; i < r.frames.length; i++) {
    const a = r.frames[i - 1]!.t;
    const b = r.frames[i]!.t;
    if (b >= from && a <= to) longest = Math.max(longest, b - a);
  }
  // Nothing presented since the last frame before `to`: that is a gap too.
  const last = r.frames.filter((f) => f.t <= to).at(-1)?.t;
  if (last !== undefined && !r.frames.some((f) => f.t > to)) longest = Math.max(longest, to - Math.max(last, from));
  return longest;
}
