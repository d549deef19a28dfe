/**
 * Connection quality under a real impairment: page b runs in a network namespace of the
 * test's own, and a third of the UDP packets into and out of it are dropped (nftables). The
 * tiles of a clean call stay `good`; with the loss every tile, the peer's and one's own, goes
 * to `poor`, and `connection-quality` says so with the loss it saw; once the loss is taken away,
 * they come back to `good`. With nothing getting through, the peers' tiles are `lost`, and
 * good again once the path is back.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { launchBrowser, secureOrigins } from "../support/browsers/browser.ts";
import { createNetns, type Netns } from "../support/services/netns.ts";
import { pollUntil } from "../support/poll.ts";
import { POOR } from "../../src/components/video-call/quality/quality.ts";
import { freePort, type ServerProcess, spawnServer } from "../support/services/server-process.ts";

/** Share of UDP packets dropped each way, percent. */
const LOSS = 30;

let ns: Netns;
let server: ServerProcess;
let site: ReturnType<typeof Bun.serve> | undefined;
let outside: Browser;
let inside: Browser;

beforeAll(async () => {
  ns = await createNetns();
  // A page of its own that embeds the call, as a site does (so the call starts at once,
  // whatever the server's own room page shows first), on the veth's host address.
  const sitePort = freePort();
  const siteUrl = `http://${ns.hostAddress}:${sitePort}`;
  server = await spawnServer({ HOST: ns.hostAddress, LOG_LEVEL: "error", ALLOWED_ORIGINS: siteUrl });
  site = Bun.serve({
    hostname: ns.hostAddress,
    port: sitePort,
    fetch: (req) => {
      const room = new URL(req.url).searchParams.get("room") ?? "";
      const html = `<!DOCTYPE html><meta charset="utf-8"><title>Quality</title><script type="module" src="${server.url}/assets/embed.js"></script><video-call room="${room.replace(/[^\w-]/g, "")}"></video-call>`;
      return new Response(html, { headers: { "content-type": "text/html; charset=utf-8" } });
    },
  });
  const flag = secureOrigins(server.url, siteUrl);
  outside = await launchBrowser([flag]);
  inside = await ns.launchBrowser([flag]);
}, 30_000);
afterAll(async () => {
  await outside?.close();
  void site?.stop(true);
  await server?.stop();
  await ns?.remove();
}, 30_000);

interface Detail {
  peer: string;
  quality: string;
  rtt: number | null;
  packetLoss: number;
}

/** The page with the call in `room`, keeping every `connection-quality` event's detail. */
async function open(browser: Browser, room: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.addInitScript(() => {
    const seen: Detail[] = [];
    (window as unknown as { __quality: Detail[] }).__quality = seen;
    document.addEventListener("connection-quality", (e) => seen.push((e as CustomEvent<Detail>).detail));
  });
  await page.goto(`http://${ns.hostAddress}:${site!.port}/?room=${room}`);
  return page;
}

interface Look {
  state: string | null;
  /** The state line, for a timeout's message. */
  line: string | null;
  self: string | null;
  /** The self tile's data-quality, and each remote tile's by peer. */
  own: string | null;
  peers: Record<string, string | null>;
  frames: number;
  events: Detail[];
}

const look = (page: Page): Promise<Look> =>
  page.evaluate(async () => {
    const el = document.querySelector("video-call") as HTMLElement & { selfId: string | null; getStats(): Promise<Map<string, RTCStatsReport>> };
    const root = el.shadowRoot!;
    const peers: Record<string, string | null> = {};
    for (const t of root.querySelectorAll<HTMLElement>("[part~='remote-tile']")) peers[t.dataset.peer!] = t.dataset.quality ?? null;
    let frames = 0;
    for (const r of (await el.getStats()).values()) r.forEach((s) => s.type === "inbound-rtp" && s.kind === "video" && (frames += s.framesDecoded ?? 0));
    return {
      state: el.getAttribute("state"),
      line: root.querySelector("[part~='state']")?.textContent ?? null,
      self: el.selfId,
      own: root.querySelector<HTMLElement>("[part~='self-tile']")?.dataset.quality ?? null,
      peers,
      frames,
      events: (window as unknown as { __quality: Detail[] }).__quality,
    };
  });

/** Inbound packets of sound received and lost at `page` (running totals; sound is not sent again, so its loss is the network's). */
const received = (page: Page) =>
  page.evaluate(async () => {
    const el = document.querySelector("video-call") as HTMLElement & { getStats(): Promise<Map<string, RTCStatsReport>> };
    const n = { received: 0, lost: 0 };
    for (const r of (await el.getStats()).values()) r.forEach((s) => s.type === "inbound-rtp" && s.kind === "audio" && ((n.received += s.packetsReceived), (n.lost += s.packetsLost)));
    return n;
  });

/** Both tiles of `page` (its own and its one peer's) at `level`. */
const both = (level: string) => (l: Look) => l.own === level && Object.values(l.peers).length === 1 && Object.values(l.peers)[0] === level;
const until = (page: Page, ok: (l: Look) => boolean, what: string, ms = 30_000) => pollUntil(() => look(page), ok, what, ms, 250);

test("a clean call is good; a third of the packets lost makes every tile poor, none at all lost, and it comes back", async () => {
  const room = `quality-${Date.now().toString(36)}`;
  const a = await open(outside, room);
  await until(a, (l) => l.state === "waiting", "a waiting");
  const b = await open(inside, room);
  // Both at once, so that a timeout shows where each side is.
  await pollUntil(() => Promise.all([look(a), look(b)]), (ls) => ls.every((l) => l.state === "connected" && l.frames > 0), "both decoding", 30_000, 250);
  for (const p of [a, b]) await until(p, both("good"), "every tile good");

  // Clean: it stays good, and nothing but good was ever said.
  const t0 = Date.now();
  while (Date.now() - t0 < 5000) {
    for (const p of [a, b]) {
      const l = await look(p);
      expect(both("good")(l), JSON.stringify(l)).toBe(true);
    }
    await Bun.sleep(500);
  }
  const [la, lb] = [await look(a), await look(b)];
  for (const l of [la, lb]) expect(l.events.map((d) => d.quality)).toEqual(["good", "good"]);

  await ns.impairMedia(LOSS);
  const poorA = await until(a, both("poor"), "a's tiles poor");
  const poorB = await until(b, both("poor"), "b's tiles poor");
  for (const [l, other] of [
    [poorA, lb.self],
    [poorB, la.self],
  ] as const) {
    // What comes from the peer, and what this side sends to it: each told, when it turned
    // poor, with a loss past the edge of poor (the window then still held clean seconds).
    for (const peer of [other, l.self]) {
      const said = l.events.filter((d) => d.peer === peer).at(-1)!;
      expect(said.quality).toBe("poor");
      expect(said.packetLoss).toBeGreaterThanOrEqual(POOR.loss);
      expect(said.packetLoss).toBeLessThan(0.6);
      expect(Object.keys(said).sort()).toEqual(["packetLoss", "peer", "quality", "rtt"]);
    }
  }
  // The loss made is what the statistics see: about a third of the sound.
  const [r0, t1] = [await received(a), Date.now()];
  await Bun.sleep(3000);
  const r1 = await received(a);
  const loss = (r1.lost - r0.lost) / (r1.lost - r0.lost + r1.received - r0.received);
  expect(loss, `over ${Date.now() - t1} ms`).toBeGreaterThan(0.15);
  expect(loss).toBeLessThan(0.45);
  // Still no better than poor (at a third lost, consent checks can miss enough for the browser
  // to call the connection disconnected a moment: that is `lost`, worse still).
  for (const p of [a, b]) {
    const l = await look(p);
    expect(Object.values(l.peers).length === 1 && [l.own, ...Object.values(l.peers)].every((q) => q === "poor" || q === "lost"), JSON.stringify({ ...l, events: l.events.slice(-4) })).toBe(true);
  }

  await ns.restoreMedia();
  for (const p of [a, b]) await until(p, both("good"), "every tile good again");

  // Nothing gets through at all (signaling still does): lost, and back once the path is.
  await ns.breakMedia(server.port);
  const lostA = await until(a, (l) => Object.values(l.peers)[0] === "lost", "b's tile lost at a", 15_000);
  expect(lostA.events.filter((d) => d.peer === lb.self).at(-1)!.quality).toBe("lost");
  await until(b, (l) => Object.values(l.peers)[0] === "lost", "a's tile lost at b", 15_000);
  await ns.restoreMedia();
  for (const p of [a, b]) await until(p, both("good"), "every tile good after the break", 40_000);
}, 180_000);
