/**
 * Both sides decide to rebuild their connection at the same moment: the media path breaks
 * (page b runs in a network namespace whose packets are dropped), each side's ICE restart
 * times out, and while both rebuild the signaling server is paused (SIGSTOP), so that each
 * side's offer of the new link generation is sent before it sees the other's. When the
 * server goes on and the path is back, the two offers of one generation collide; perfect
 * negotiation settles them, and the call comes back on one new connection a side.
 */
import { expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { useNetnsCall } from "../support/browsers/netns-call.ts";
import { type CallSnapshot, recoveryEvents, installProbe, snapshot, enterRoom } from "../support/browsers/video-call-probe.ts";
import { pollUntil } from "../support/poll.ts";

// A test that fails while the server is paused leaves it paused: thawed, it can stop.
const call = useNetnsCall(({ server }) => {
  if (server.proc.exitCode === null) process.kill(server.proc.pid, "SIGCONT");
});

const until = (page: Page, ok: (s: CallSnapshot) => boolean, what: string, ms = 30_000) => pollUntil(() => snapshot(page), ok, what, ms);

const recoveries = async (page: Page, action: "ice-restart" | "rebuild") => (await recoveryEvents(page, action)).length;

async function waitForBoth(pages: Page[], action: "ice-restart" | "rebuild", ms: number) {
  const deadline = Date.now() + ms;
  for (;;) {
    const counts = await Promise.all(pages.map((p) => recoveries(p, action)));
    if (counts.every((n) => n > 0)) return;
    if (Date.now() > deadline) throw new Error(`not every page did ${action}: ${counts}`);
    await Bun.sleep(100);
  }
}

const decoding = (s: CallSnapshot) =>
  s.state === "connected" && s.connections.length === 1 && s.connections[0]!.signalingState === "stable" && Object.values(s.links).every((l) => l.videoFramesDecoded > 0);

test("two rebuilds at the same moment settle on one new connection a side", async () => {
  const { ns, server, outside, inside } = call.current;
  const room = `rebuild-${Date.now().toString(36)}`;
  const a = await (await outside.newContext()).newPage();
  const b = await (await inside.newContext()).newPage();
  for (const p of [a, b]) await installProbe(p);
  await enterRoom(a, `${server.url}/room/${room}`);
  await until(a, (s) => s.state === "waiting", "a waiting");
  await enterRoom(b, `${server.url}/room/${room}`);
  await until(a, decoding, "a decoding");
  await until(b, decoding, "b decoding");

  await ns.breakMedia(server.port);
  let paused = false;
  try {
    // Each side restarts ICE (signaling still up)...
    await waitForBoth([a, b], "ice-restart", 40_000);
    // ...then, with the server paused, each gives up on ICE and rebuilds without hearing of the other.
    process.kill(server.proc.pid, "SIGSTOP");
    paused = true;
    await waitForBoth([a, b], "rebuild", 25_000);
  } finally {
    await ns.restoreMedia();
    if (paused) process.kill(server.proc.pid, "SIGCONT");
  }

  const [atA, atB] = [await until(a, decoding, "a decoding again", 40_000), await until(b, decoding, "b decoding again", 40_000)];
  // One connection a side: the rebuilt one (the first is closed), stable, with frames flowing.
  for (const s of [atA, atB]) {
    expect(s.connections.length).toBe(1);
    expect(s.tiles.length).toBe(1);
  }
  const before = atA.links[atB.selfId!]!.videoFramesDecoded;
  await until(a, (s) => (s.links[atB.selfId!]?.videoFramesDecoded ?? 0) > before + 10, "frames flowing at a");
  for (const p of [a, b]) expect(await recoveries(p, "rebuild")).toBeGreaterThan(0);
}, 150_000);
