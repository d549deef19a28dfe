/**
 * Faults in a real call: the signaling server restarts mid-call. Media keeps flowing while
 * it is down; both sides reconnect, resume their seats and stay one call, no duplicates.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { launchBrowser } from "../support/browsers/browser.ts";
import { freePort, type ServerProcess, spawnServer } from "../support/services/server-process.ts";
import { pollUntil } from "../support/poll.ts";
import { enterRoom } from "../support/browsers/video-call-probe.ts";

let browser: Browser;
const servers: ServerProcess[] = [];
const port = freePort();
const env = { PORT: String(port), RESUME_SECRET: "a-test-secret-that-is-long-enough-123" };

beforeAll(async () => {
  servers.push(await spawnServer(env));
  browser = await launchBrowser();
}, 30_000);
afterAll(async () => {
  await browser?.close();
  for (const s of servers) if (s.proc.exitCode === null) await s.stop();
});

/** The page's call as the test sees it: state, peers, remote videos, frames decoded. */
const look = (page: Page) =>
  page.evaluate(async () => {
    const el = document.querySelector("video-call") as HTMLElement & { getStats(): Promise<Map<string, RTCStatsReport>>; peers: string[]; selfId: string };
    let frames = 0;
    for (const r of (await el.getStats()).values()) r.forEach((s) => s.type === "inbound-rtp" && s.kind === "video" && (frames += s.framesDecoded));
    return {
      state: el.getAttribute("state"),
      self: el.selfId,
      peers: el.peers,
      videos: el.shadowRoot!.querySelectorAll("video[part~='remote-video']").length,
      links: (await el.getStats()).size,
      frames,
    };
  });

const until = (page: Page, ok: (l: Awaited<ReturnType<typeof look>>) => boolean, what: string, ms = 20_000) => pollUntil(() => look(page), ok, what, ms);

test("a server restart mid-call: media flows on, both resume, no duplicate peers", async () => {
  const room = `restart-${Date.now().toString(36)}`;
  const [a, b] = await Promise.all([0, 1].map(async () => (await browser.newContext()).newPage()));
  const url = `http://127.0.0.1:${port}/room/${room}`;
  await enterRoom(a!, url);
  await until(a!, (l) => l.state === "waiting", "a waiting");
  await enterRoom(b!, url);
  const before = await until(a!, (l) => l.state === "connected" && l.frames > 0, "first call");
  const bBefore = await until(b!, (l) => l.state === "connected" && l.frames > 0, "b decoding");

  // Down: the server goes away (1001 to everyone); the call itself is peer to peer.
  await servers[0]!.stop();
  await Bun.sleep(1500);
  const during = await look(a!);
  expect(during.frames).toBeGreaterThan(before.frames);
  expect(during.state).toBe("connected");
  const line = await a!.evaluate(() => document.querySelector("video-call")!.shadowRoot!.querySelector("[part~=state]")!.textContent);
  expect(line).toContain("Reconnecting to the server");

  // Up again on the same address, with the same resume secret.
  const next = await spawnServer(env);
  servers.push(next);
  const fragment = async () => (await fetch(`${next.url}/rooms/${room}/occupancy`)).text();
  const deadline = Date.now() + 20_000;
  while (!(await fragment()).includes("2 of 2") && Date.now() < deadline) await Bun.sleep(200);
  expect(await fragment()).toContain("Full: 2 of 2 here.");
  const lineAfter = await a!.evaluate(() => document.querySelector("video-call")!.shadowRoot!.querySelector("[part~=state]")!.textContent);
  expect(lineAfter).not.toContain("Reconnecting");

  const after = await look(a!);
  const bAfter = await look(b!);
  for (const [then, now] of [[before, after], [bBefore, bAfter]] as const) {
    expect(now.state).toBe("connected");
    expect(now.self).toBe(then.self); // resumed: same id
    expect(now.peers).toEqual(then.peers);
    expect(now.videos).toBe(1);
    expect(now.links).toBe(1);
  }
  // Still decoding after the restart.
  await until(a!, (l) => l.frames > after.frames + 10, "frames after restart");
  // And signaling works again: a hang-up reaches the other side.
  await b!.evaluate(() => (document.querySelector("video-call") as HTMLElement & { hangUp(): void }).hangUp());
  await until(a!, (l) => l.state === "waiting" && l.videos === 0, "a back to waiting");
  for (const p of [a!, b!]) await p.context().close();
}, 90_000);

test("a peer that hung up while the server was down is gone after the resume: no ghost tile", async () => {
  const room = `ghost-${Date.now().toString(36)}`;
  const [a, b] = await Promise.all([0, 1].map(async () => (await browser.newContext()).newPage()));
  await a!.addInitScript(() => {
    const w = window as unknown as { __left: unknown[] };
    w.__left = [];
    document.addEventListener("peer-left", (e) => w.__left.push((e as CustomEvent).detail));
  });
  const url = `http://127.0.0.1:${port}/room/${room}`;
  await enterRoom(a!, url);
  await until(a!, (l) => l.state === "waiting", "a waiting");
  await enterRoom(b!, url);
  const before = await until(a!, (l) => l.state === "connected" && l.frames > 0, "first call");
  await until(b!, (l) => l.state === "connected" && l.frames > 0, "b decoding");

  // The server goes away; while it is down, b hangs up (its leave cannot reach anyone).
  await servers.at(-1)!.stop();
  await b!.evaluate(() => (document.querySelector("video-call") as HTMLElement & { hangUp(): void }).hangUp());
  servers.push(await spawnServer(env));

  // a resumes alone: b is dropped (tile, link), peer-left fires, and a waits for someone.
  const after = await until(a!, (l) => l.state === "waiting" && l.videos === 0 && l.links === 0 && l.peers.length === 0, "a alone, without b's tile", 40_000);
  expect(after.self).toBe(before.self);
  const left = await a!.evaluate(() => (window as unknown as { __left: unknown[] }).__left);
  expect(left).toEqual([{ peer: before.peers[0], reason: "gone" }]);
  const line = await a!.evaluate(() => document.querySelector("video-call")!.shadowRoot!.querySelector("[part~=state]")!.textContent);
  expect(line).toContain("Waiting for someone");
  const fragment = await (await fetch(`http://127.0.0.1:${port}/rooms/${room}/occupancy`)).text();
  expect(fragment).toContain("1 of 2 here.");
  for (const p of [a!, b!]) await p.context().close();
}, 90_000);
