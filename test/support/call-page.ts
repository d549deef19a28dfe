/**
 * A page with one `<video-call>` whose attributes the test chooses (its signaling through a
 * proxy, say), embedded from a site of its own on loopback, and what the test reads of it.
 */
import type { Browser, Page } from "playwright-core";

/** Pages the tests ask for, by path, served from a loopback address like any site's. */
const pages = new Map<string, string>();
let site: ReturnType<typeof Bun.serve> | null = null;

function pageSite() {
  site ??= Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: (req) => {
      const body = pages.get(new URL(req.url).pathname);
      return body ? new Response(body, { headers: { "content-type": "text/html" } }) : new Response("not found", { status: 404 });
    },
  });
  return site;
}

/** Opens a page (served from loopback) holding `<video-call>` with `attributes`, loaded from `serverUrl`. */
export async function openCallPage(browser: Browser, serverUrl: string, attributes: Record<string, string>): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  const attrs = Object.entries(attributes)
    .map(([k, v]) => `${k}="${v.replace(/&/g, "&amp;").replace(/"/g, "&quot;")}"`)
    .join(" ");
  const path = `/call-${Math.random().toString(36).slice(2)}`;
  pages.set(path, `<!DOCTYPE html><html><body><script type="module" src="${serverUrl}/assets/embed.js"></script><video-call ${attrs}></video-call></body></html>`);
  const address = `http://127.0.0.1:${pageSite().port}${path}`;
  await page.addInitScript(() => {
    const w = window as unknown as { __events: { type: string; detail: unknown }[]; __pcs: RTCPeerConnection[] };
    w.__events = [];
    // Every connection the page makes, to see that none is left open or mid-negotiation.
    w.__pcs = [];
    const Native = window.RTCPeerConnection;
    window.RTCPeerConnection = class extends Native {
      constructor(config?: RTCConfiguration) {
        super(config);
        w.__pcs.push(this);
      }
    } as typeof RTCPeerConnection;
    for (const type of ["peer-left", "peer-joined", "connection-recovery", "call-state"]) {
      document.addEventListener(type, (e) => w.__events.push({ type, detail: (e as CustomEvent).detail }));
    }
  });
  await page.goto(address);
  return page;
}

export interface CallView {
  state: string | null;
  self: string | null;
  peers: string[];
  /** Remote tiles, by the peer they show. */
  tiles: string[];
  /** Video frames decoded from each peer. */
  frames: Record<string, number>;
  /** Audio packets received from each peer. */
  audio: Record<string, number>;
  /** Remote tracks playing in each peer's tile, by kind. */
  live: Record<string, { audio: number; video: number; width: number; height: number }>;
  /** The signaling state of every connection that is not closed. */
  signaling: string[];
}

/** What the page's call looks like now. */
export function view(page: Page): Promise<CallView> {
  return page.evaluate(async () => {
    type El = HTMLElement & { getStats(): Promise<Map<string, RTCStatsReport>>; peers: string[]; selfId: string | null };
    const el = document.querySelector("video-call") as El;
    const frames: Record<string, number> = {};
    const audio: Record<string, number> = {};
    for (const [peer, report] of await el.getStats()) {
      frames[peer] = 0;
      audio[peer] = 0;
      report.forEach((s) => {
        if (s.type === "inbound-rtp" && s.kind === "video") frames[peer] += s.framesDecoded ?? 0;
        if (s.type === "inbound-rtp" && s.kind === "audio") audio[peer] += s.packetsReceived ?? 0;
      });
    }
    const videos = [...el.shadowRoot!.querySelectorAll<HTMLVideoElement>("video[part~='remote-video']")];
    const live: Record<string, { audio: number; video: number; width: number; height: number }> = {};
    for (const v of videos) {
      const tracks = ((v.srcObject as MediaStream | null)?.getTracks() ?? []).filter((t) => t.readyState === "live");
      live[v.dataset.peer!] = {
        audio: tracks.filter((t) => t.kind === "audio").length,
        video: tracks.filter((t) => t.kind === "video").length,
        width: v.videoWidth,
        height: v.videoHeight,
      };
    }
    const pcs = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs;
    const signaling = pcs.filter((pc) => pc.signalingState !== "closed").map((pc) => pc.signalingState);
    return { state: el.getAttribute("state"), self: el.selfId, peers: el.peers, tiles: videos.map((v) => v.dataset.peer!), frames, audio, live, signaling };
  });
}

/** Polls the page until `ok`, for at most `ms`; fails with what it last saw. */
export async function until(page: Page, ok: (v: CallView) => boolean, what: string, ms = 20_000): Promise<CallView> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await view(page);
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await Bun.sleep(200);
  }
}

/** Calls a method of the page's `<video-call>`. */
export function call(page: Page, method: "shareScreen" | "stopScreenShare" | "hangUp" | "join"): Promise<unknown> {
  return page.evaluate((m) => (document.querySelector("video-call") as unknown as Record<string, () => unknown>)[m]!(), method);
}

/** The events the page's call fired, of `type`. */
export function events(page: Page, type: string): Promise<unknown[]> {
  return page.evaluate((t) => (window as unknown as { __events: { type: string; detail: unknown }[] }).__events.filter((e) => e.type === t).map((e) => e.detail), type);
}

/** Stops the site that serves the test pages. */
export function stopCallPages(): void {
  site?.stop(true);
  site = null;
  pages.clear();
}
