/**
 * Negotiation across gaps in signaling, through TCP proxies that cut the signaling sockets
 * (the server stays up, so seats are held for a resume): an offer made while one's own
 * socket is down, and an offer to a peer whose socket is down, both arrive in the end.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Browser } from "playwright-core";
import { launchBrowser } from "../support/browser.ts";
import { call, openCallPage, stopCallPages, until } from "../support/call-page.ts";
import { type ServerProcess, spawnServer } from "../support/server-process.ts";
import { startTcpProxy, type TcpProxy } from "../support/tcp-proxy.ts";

let server: ServerProcess;
let browser: Browser;
const proxies: TcpProxy[] = [];

beforeAll(async () => {
  server = await spawnServer({ RESUME_GRACE_SECONDS: "20" });
  browser = await launchBrowser();
});
afterAll(async () => {
  for (const p of proxies) p.stop();
  stopCallPages();
  await browser?.close();
  await server?.stop();
});

const proxy = () => {
  const p = startTcpProxy(server.port);
  proxies.push(p);
  return p;
};

/** a has no camera, so sharing its screen adds a video track: a renegotiation. */
async function twoPages(room: string) {
  const pa = proxy();
  const pb = proxy();
  const a = await openCallPage(browser, server.url, { room, "signaling-url": pa.wsUrl, video: "off" });
  await until(a, (v) => v.state === "waiting", "a waiting");
  const b = await openCallPage(browser, server.url, { room, "signaling-url": pb.wsUrl });
  const seen = await until(b, (v) => v.state === "connected" && v.tiles.length === 1 && (v.live[v.tiles[0]!]?.audio ?? 0) === 1, "b hears a");
  await until(a, (v) => v.state === "connected" && Object.values(v.frames).some((n) => n > 0), "a sees b");
  return { a, b, pa, pb, aId: seen.tiles[0]! };
}

const sharing = (aId: string) => (v: Awaited<ReturnType<typeof until>>) =>
  (v.live[aId]?.video ?? 0) === 1 && (v.live[aId]?.width ?? 0) / Math.max(1, v.live[aId]?.height ?? 1) > 1.5 && (v.frames[aId] ?? 0) > 0 && v.signaling.every((s) => s === "stable");

test("an offer made while one's own signaling socket is down goes out after the resume", async () => {
  const { a, b, pa, aId } = await twoPages(`gap-own-${Date.now().toString(36)}`);
  // a's network goes down and stays down while it makes its offer: it cannot be sent.
  pa.refuse(true);
  expect(pa.cutAll()).toBe(1);
  try {
    expect(await call(a, "shareScreen")).toBe(true);
    await until(a, (v) => v.signaling.includes("have-local-offer"), "a's offer made while away");
  } finally {
    pa.refuse(false);
  }
  const seen = await until(b, sharing(aId), "b decoding a's screen", 30_000);
  expect(seen.tiles).toEqual([aId]);
  expect(seen.live[aId]!.audio).toBe(1);
  await until(a, (v) => v.state === "connected" && v.signaling.every((s) => s === "stable"), "a settled");
  for (const p of [a, b]) await p.context().close();
}, 90_000);

test("an offer to a peer whose socket is down is refused, and sent again when it is back", async () => {
  const { a, b, pb, aId } = await twoPages(`gap-peer-${Date.now().toString(36)}`);
  const refusals = () => server.logs.filter((l) => l.includes('"code":"peer-unreachable"')).length;
  const before = refusals();
  // b's network goes down and stays down while a's offer goes out: b's seat is held.
  pb.refuse(true);
  expect(pb.cutAll()).toBe(1);
  try {
    expect(await call(a, "shareScreen")).toBe(true);
    // The server refused a's offer to b's empty seat, and told a.
    const deadline = Date.now() + 20_000;
    while (refusals() === before && Date.now() < deadline) await Bun.sleep(100);
    expect(refusals()).toBeGreaterThan(before);
  } finally {
    pb.refuse(false);
  }
  // b comes back and resumes; a hears so and sends its offer again.
  const seen = await until(b, sharing(aId), "b decoding a's screen", 30_000);
  expect(seen.tiles).toEqual([aId]);
  await until(a, (v) => v.state === "connected" && v.signaling.every((s) => s === "stable"), "a settled");
  for (const p of [a, b]) await p.context().close();
}, 90_000);
