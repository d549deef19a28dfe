/**
 * Negotiation across gaps in signaling, through TCP proxies that cut the signaling sockets
 * (the server stays up, so seats are held for a resume): an offer made while one's own
 * socket is down, and an offer to a peer whose socket is down, both arrive in the end; a
 * first answer lost with the socket that carried it does not leave the call stuck.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { launchBrowser } from "../support/browsers/browser.ts";
import { type EmbeddingPage, serveEmbeddingPage } from "../support/browsers/embedding-page.ts";
import { type ServerProcess, spawnServer } from "../support/services/server-process.ts";
import { startTcpProxy, type TcpProxy } from "../support/services/tcp-proxy.ts";
import { type CallSnapshot, callMethod, recoveryEvents, installProbe, snapshot } from "../support/browsers/video-call-probe.ts";
import { answerLost, installAnswerLoss } from "../support/browsers/lose-first-answer.ts";
import { expectStartOvers } from "../support/browsers/start-overs.ts";
import { pollUntil } from "../support/poll.ts";

let server: ServerProcess;
let browser: Browser;
const proxies: TcpProxy[] = [];
const sites: EmbeddingPage[] = [];

beforeAll(async () => {
  server = await spawnServer({ RESUME_GRACE_SECONDS: "20" });
  browser = await launchBrowser();
}, 30_000);
afterAll(async () => {
  for (const p of proxies) p.stop();
  for (const s of sites) s.stop();
  await browser?.close();
  await server?.stop();
});

/** A page whose call signals through a proxy of its own. */
async function pageThroughProxy(attributes: Record<string, string>, before?: (page: Page) => Promise<void>): Promise<{ page: Page; proxy: TcpProxy }> {
  const proxy = startTcpProxy(server.port);
  proxies.push(proxy);
  const site = serveEmbeddingPage(server.url, { ...attributes, "signaling-url": proxy.wsUrl });
  sites.push(site);
  const page = await (await browser.newContext()).newPage();
  await installProbe(page);
  await before?.(page);
  await page.goto(site.url);
  return { page, proxy };
}

const until = (page: Page, ok: (s: CallSnapshot) => boolean, what: string, ms = 20_000) => pollUntil(() => snapshot(page), ok, what, ms);

const stable = (s: CallSnapshot) => s.connections.every((c) => c.signalingState === "stable");
const offering = (s: CallSnapshot) => s.connections.some((c) => c.signalingState === "have-local-offer");

/** a has no camera, so sharing its screen adds a video track: a renegotiation. */
async function twoPages(room: string) {
  const { page: a, proxy: pa } = await pageThroughProxy({ room, video: "off" });
  await until(a, (s) => s.state === "waiting", "a waiting");
  const { page: b, proxy: pb } = await pageThroughProxy({ room });
  const heard = await until(b, (s) => s.state === "connected" && s.tiles.length === 1 && s.tiles[0]!.audio.includes("live"), "b hears a");
  await until(a, (s) => s.state === "connected" && Object.values(s.links).some((l) => l.videoFramesDecoded > 0), "a sees b");
  return { a, b, pa, pb, aId: heard.tiles[0]!.peer! };
}

/** b shows a's screen (16:9), with a's sound, in a's one tile, and every link is settled. */
const seesScreen = (aId: string) => (s: CallSnapshot) => {
  const tile = s.tiles.find((t) => t.peer === aId);
  return (
    s.tiles.length === 1 &&
    !!tile &&
    tile.video.includes("live") &&
    tile.audio.includes("live") &&
    tile.videoWidth / Math.max(1, tile.videoHeight) > 1.5 &&
    (s.links[aId]?.videoFramesDecoded ?? 0) > 0 &&
    stable(s)
  );
};

test("an offer made while one's own signaling socket is down goes out after the resume", async () => {
  const { a, b, pa, aId } = await twoPages(`gap-own-${Date.now().toString(36)}`);
  // a's network goes down and stays down while it makes its offer: it cannot be sent.
  expect(pa.cutAll(60_000)).toBe(1);
  try {
    expect(await callMethod<boolean>(a, "shareScreen")).toBe(true);
    await until(a, offering, "a's offer made while away");
  } finally {
    pa.allow();
  }
  await until(b, seesScreen(aId), "b decoding a's screen", 30_000);
  await until(a, (s) => s.state === "connected" && stable(s), "a settled");
  for (const p of [a, b]) await p.context().close();
}, 90_000);

test("an offer to a peer whose socket is down is refused, and sent again when it is back", async () => {
  const { a, b, pb, aId } = await twoPages(`gap-peer-${Date.now().toString(36)}`);
  const refusals = () => server.logs.filter((l) => l.includes('"code":"peer-unreachable"')).length;
  const before = refusals();
  // b's network goes down and stays down while a's offer goes out: b's seat is held.
  expect(pb.cutAll(60_000)).toBe(1);
  try {
    expect(await callMethod<boolean>(a, "shareScreen")).toBe(true);
    // The server refused a's offer to b's empty seat, and told a.
    const deadline = Date.now() + 20_000;
    while (refusals() === before && Date.now() < deadline) await Bun.sleep(100);
    expect(refusals()).toBeGreaterThan(before);
  } finally {
    pb.allow();
  }
  // b comes back and resumes; a hears so and sends its offer again.
  await until(b, seesScreen(aId), "b decoding a's screen", 30_000);
  await until(a, (s) => s.state === "connected" && stable(s), "a settled");
  for (const p of [a, b]) await p.context().close();
}, 90_000);

test("a first answer lost with its socket: at the resume the caller starts over, without waiting out ICE restarts", async () => {
  const room = `gap-answer-${Date.now().toString(36)}`;
  const { page: a, proxy: pa } = await pageThroughProxy({ room }, installAnswerLoss);
  await until(a, (s) => s.state === "waiting", "a waiting");
  // b comes second, so b calls: a answers, and that answer is lost.
  const { page: b } = await pageThroughProxy({ room });
  await pollUntil(() => answerLost(a), (lost) => lost, "a's answer made");
  expect(pa.cutAll(1000)).toBe(1);
  // a holds b's offer and its own answer, b only its offer: no ICE restart can mend that.
  const sees = (s: CallSnapshot) => s.state === "connected" && s.tiles.length === 1 && s.tiles[0]!.audio.includes("live") && Object.values(s.links).some((l) => l.videoFramesDecoded > 0) && stable(s);
  // Well within the 10 s an ICE restart gets before a link is given up.
  await until(a, sees, "a sees and hears b", 8000);
  await until(b, sees, "b sees and hears a", 8000);
  // b, which called, made a new connection; a took it up; nobody restarted ICE.
  await expectStartOvers(a, b, { a: 0, b: 1 });
  for (const p of [a, b]) expect(await recoveryEvents(p, "ice-restart")).toEqual([]);
  const aConnections = (await snapshot(a)).connections;
  expect(aConnections.length).toBe(1);
  for (const p of [a, b]) await p.context().close();
}, 60_000);
