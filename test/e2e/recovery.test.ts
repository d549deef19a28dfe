/**
 * A network interruption in a real call: one side's whole browser is frozen (SIGSTOP on every
 * process of it), so the other sees its connection go silent. A short freeze is recovered by an
 * ICE restart; a long one by rebuilding the connection from scratch. Frames flow again after both.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { type Browser, type BrowserServer, chromium, type Page } from "playwright-core";
import { CHROMIUM_ARGS, CHROMIUM_PATH, launchBrowser } from "../support/browsers/browser.ts";
import { type ServerProcess, spawnServer } from "../support/services/server-process.ts";
import { enterRoom, eventsOf, installProbe, recoveryEvents, snapshot } from "../support/browsers/video-call-probe.ts";

let server: ServerProcess;
let browserA: Browser;
let serverB: BrowserServer;
let browserB: Browser;

beforeAll(async () => {
  server = await spawnServer();
  browserA = await launchBrowser();
  // B is launched as a server so that its processes can be frozen and thawed.
  serverB = await chromium.launchServer({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
  browserB = await chromium.connect(serverB.wsEndpoint());
}, 30_000);
afterAll(async () => {
  await browserA?.close();
  await browserB?.close();
  await serverB?.close();
  await server?.stop();
});

/** Every process of the browser: the main one and all its descendants. */
function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of new Bun.Glob("[0-9]*").scanSync({ cwd: "/proc", onlyFiles: false })) {
    try {
      const stat = require("node:fs").readFileSync(`/proc/${entry}/stat`, "utf8") as string;
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {}
  }
  const out: number[] = [];
  const walk = (p: number) => {
    out.push(p);
    for (const c of children.get(p) ?? []) walk(c);
  };
  walk(pid);
  return out;
}

/** Signals `pid`, unless it has exited meanwhile (a browser's helper processes come and go). */
function signal(pid: number, sig: "SIGSTOP" | "SIGCONT") {
  try {
    process.kill(pid, sig);
  } catch (err) {
    if ((err as { code?: string }).code !== "ESRCH") throw err;
  }
}

async function freeze(ms: number) {
  const pids = processTree(serverB.process().pid!);
  try {
    for (const p of pids) signal(p, "SIGSTOP");
    await Bun.sleep(ms);
  } finally {
    // Every process is thawed whatever happened, or the browser could not even be closed.
    for (const p of pids) signal(p, "SIGCONT");
  }
}

const frames = (page: Page) =>
  page.evaluate(async () => {
    const el = document.querySelector("video-call") as HTMLElement & { getStats(): Promise<Map<string, RTCStatsReport>> };
    let n = 0;
    for (const r of (await el.getStats()).values()) r.forEach((s) => s.type === "inbound-rtp" && s.kind === "video" && (n += s.framesDecoded));
    return { state: el.getAttribute("state"), frames: n, videos: el.shadowRoot!.querySelectorAll("video[part~='remote-video']").length };
  });

async function flowing(page: Page, what: string) {
  const start = await frames(page);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const now = await frames(page);
    // Frames counters restart with a rebuilt connection: look for fresh progress either way.
    if (now.state === "connected" && now.frames > 10 && now.frames !== start.frames && now.videos === 1) return;
    if (Date.now() > deadline) {
      // What the page's connections and events say of how it got there.
      const { connections } = await snapshot(page);
      throw new Error(`frames do not flow (${what}): ${JSON.stringify({ ...now, connections })}\n${(await eventsOf(page)).join("\n")}`);
    }
    await Bun.sleep(250);
  }
}

test("a short outage is healed by an ICE restart, a long one by a new connection", async () => {
  const room = `recover-${Date.now().toString(36)}`;
  const a = await (await browserA.newContext()).newPage();
  const b = await (await browserB.newContext()).newPage();
  for (const p of [a, b]) await installProbe(p);
  await enterRoom(a, `${server.url}/room/${room}`);
  await a.waitForFunction(() => document.querySelector("video-call")?.getAttribute("state") === "waiting");
  await enterRoom(b, `${server.url}/room/${room}`);
  await flowing(a, "first call");
  await flowing(b, "first call, b");
  const recovery = async () =>
    (await recoveryEvents(a)).map((e) => JSON.parse(e.slice(e.indexOf("{"))).action as string);

  // Chromium marks the link disconnected after ~7.5 s of silence; the restart follows 2.5 s later.
  await freeze(12_000);
  expect(await recovery()).toContain("ice-restart");
  expect(await recovery()).not.toContain("rebuild");
  await flowing(a, "after the ICE restart");
  await flowing(b, "after the ICE restart, b");

  // Long enough for the ICE restart to time out too (10 s, 5 s more if a is the polite
  // side), so the link is rebuilt.
  await freeze(30_000);
  expect(await recovery()).toContain("rebuild");
  await flowing(a, "after the rebuild");
  await flowing(b, "after the rebuild, b");
}, 120_000);
