/**
 * The namespace helpers themselves: a page in a Chromium inside a network namespace calls a
 * page outside it over the veth (the selected candidate pair says so), breakMedia() stops the
 * frames both ways while signaling stays up, restoreMedia() brings them back, and remove()
 * leaves no namespace or veth behind.
 */
import { expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { useNetnsCall } from "../support/browsers/netns-call.ts";
import { createNetns, type Netns } from "../support/services/netns.ts";
import { pollUntil } from "../support/poll.ts";
import { enterRoom } from "../support/browsers/video-call-probe.ts";

const call = useNetnsCall();

/** Frames decoded from the other page, the call's state, and the selected pair's addresses. */
const look = (page: Page) =>
  page.evaluate(async () => {
    const el = document.querySelector("video-call") as HTMLElement & { getStats(): Promise<Map<string, RTCStatsReport>> };
    let frames = 0;
    let pair = "";
    for (const r of (await el.getStats()).values()) {
      r.forEach((s) => {
        if (s.type === "inbound-rtp" && s.kind === "video") frames += s.framesDecoded;
        if (s.type === "transport" && s.selectedCandidatePairId) {
          const p = r.get(s.selectedCandidatePairId);
          pair = `${r.get(p.localCandidateId)?.address} ${r.get(p.remoteCandidateId)?.address}`;
        }
      });
    }
    return { state: el.getAttribute("state"), frames, pair };
  });

const until = (page: Page, ok: (l: Awaited<ReturnType<typeof look>>) => boolean, what: string, ms = 20_000) => pollUntil(() => look(page), ok, what, ms);

test("media crosses the veth, stops while broken and flows again when restored; nothing is left behind", async () => {
  const { ns, server, outside, inside } = call.current;
  const room = `netns-${Date.now().toString(36)}`;
  const a = await (await outside.newContext()).newPage();
  const b = await (await inside.newContext()).newPage();
  await enterRoom(a, `${server.url}/room/${room}`);
  await until(a, (l) => l.state === "waiting", "a waiting");
  await enterRoom(b, `${server.url}/room/${room}`);
  await until(a, (l) => l.frames > 0, "a decoding");
  const atB = await until(b, (l) => l.frames > 0, "b decoding");
  expect(atB.pair).toBe(`${ns.address} ${ns.hostAddress}`);
  expect((await look(a)).pair).toBe(`${ns.hostAddress} ${ns.address}`);

  await ns.breakMedia(server.port);
  // Frames in flight drain first; then nothing comes through either way.
  await Bun.sleep(1000);
  const [a1, b1] = [await look(a), await look(b)];
  await Bun.sleep(1500);
  const [a2, b2] = [await look(a), await look(b)];
  expect(a2.frames).toBe(a1.frames);
  expect(b2.frames).toBe(b1.frames);
  await ns.restoreMedia();
  await until(a, (l) => l.frames > a2.frames + 5, "a decoding again");
  await until(b, (l) => l.frames > b2.frames + 5, "b decoding again");

  await outside.close();
  await ns.remove();
  expect(leftOver(ns)).toEqual([]);
}, 60_000);

/** What of a namespace is still there: its name, its veth, its host address. */
function leftOver(n: Netns): string[] {
  const out = (cmd: string[]) => Bun.spawnSync(cmd).stdout.toString();
  return [
    out(["ip", "netns", "list"]).includes(n.name) ? n.name : "",
    out(["ip", "-o", "link"]).includes(`${n.hostInterface}@`) ? n.hostInterface : "",
    out(["ip", "-o", "addr"]).includes(`${n.hostAddress}/`) ? n.hostAddress : "",
  ].filter(Boolean);
}

test("a namespace left by a process killed before it could clean up is removed by the next one", async () => {
  const child = Bun.spawn(["bun", "--eval", 'const { createNetns } = await import("./test/support/services/netns.ts"); const n = await createNetns(); console.log(JSON.stringify(n)); await Bun.sleep(60_000);'], {
    cwd: `${import.meta.dir}/../..`,
    stdout: "pipe",
    stderr: "inherit",
  });
  const reader = child.stdout.getReader();
  const line = await Promise.race([reader.read().then((r) => new TextDecoder().decode(r.value)), Bun.sleep(20_000).then(() => "")]);
  expect(line).not.toBe("");
  const stale = JSON.parse(line) as Netns;
  child.kill("SIGKILL");
  await child.exited;
  expect(leftOver(stale).length).toBeGreaterThan(0);
  const next = await createNetns();
  try {
    // The new one may take the freed index, and with it the same veth name and addresses.
    const its = new Set([next.hostInterface, next.hostAddress]);
    expect(leftOver(stale).filter((x) => !its.has(x))).toEqual([]);
  } finally {
    await next.remove();
  }
}, 30_000);
