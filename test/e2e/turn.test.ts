/**
 * Calls through a real coturn with the credentials the server hands out: relay-only calls
 * connect relay to relay, die when the relay goes, fail with a readable 401 when the secret
 * is wrong, and restart ICE through TURN after the first credentials have expired.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { launchBrowser } from "../support/browsers/browser.ts";
import { type Coturn, startCoturn } from "../support/services/coturn.ts";
import { serveEmbeddingPage } from "../support/browsers/embedding-page.ts";
import { type ServerProcess, spawnServer } from "../support/services/server-process.ts";
import { pollUntil } from "../support/poll.ts";
import { enterRoom } from "../support/browsers/video-call-probe.ts";

let browser: Browser;
const running: { stop(): Promise<unknown> }[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
}, 30_000);
afterAll(async () => {
  await browser?.close();
  for (const r of running.reverse()) await r.stop();
});

async function turn(port?: number): Promise<Coturn> {
  const c = await startCoturn(port ? { port } : {});
  running.push(c);
  return c;
}

async function server(coturn: Coturn, env: Record<string, string> = {}): Promise<ServerProcess> {
  const s = await spawnServer({ TURN_URLS: coturn.urls, TURN_SECRET: coturn.secret, ICE_TRANSPORT_POLICY: "relay", LOG_LEVEL: "error", ...env });
  running.push(s);
  return s;
}

/** A page of the room on the server's own site, recording the call's events and connections. */
async function open(s: ServerProcess, room: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.addInitScript(() => {
    const w = window as unknown as { __events: { type: string; detail: unknown }[]; __pcs: RTCPeerConnection[] };
    w.__events = [];
    w.__pcs = [];
    for (const type of ["ice-error", "call-state", "connection-recovery"]) document.addEventListener(type, (e) => w.__events.push({ type, detail: { ...(e as CustomEvent).detail, at: Date.now() } }));
    const Native = window.RTCPeerConnection;
    window.RTCPeerConnection = class extends Native {
      constructor(config?: RTCConfiguration) {
        super(config);
        w.__pcs.push(this);
      }
    } as typeof RTCPeerConnection;
  });
  await enterRoom(page, `${s.url}/room/${room}`);
  return page;
}

/** State, frames decoded, the selected pair's candidate types, the notice line and the TURN username in use. */
const look = (page: Page) =>
  page.evaluate(async () => {
    const el = document.querySelector("video-call") as HTMLElement & { getStats(): Promise<Map<string, RTCStatsReport>> };
    let frames = 0;
    const pairs: string[] = [];
    for (const report of (await el.getStats()).values()) {
      const byId = new Map<string, RTCStats & Record<string, unknown>>();
      report.forEach((s) => byId.set(s.id, s));
      for (const s of byId.values()) {
        if (s.type === "inbound-rtp" && s.kind === "video") frames += (s.framesDecoded as number) ?? 0;
        if (s.type === "transport" && s.selectedCandidatePairId) {
          const pair = byId.get(s.selectedCandidatePairId as string);
          const local = pair && byId.get(pair.localCandidateId as string);
          const remote = pair && byId.get(pair.remoteCandidateId as string);
          pairs.push(`${local?.candidateType}/${remote?.candidateType}`);
        }
      }
    }
    const w = window as unknown as { __events: { type: string; detail: Record<string, unknown> }[]; __pcs: RTCPeerConnection[] };
    const live = w.__pcs.filter((pc) => pc.connectionState !== "closed");
    const usernames = live.flatMap((pc) => pc.getConfiguration().iceServers ?? []).map((s) => s.username).filter(Boolean) as string[];
    return {
      state: el.getAttribute("state"),
      frames,
      pairs,
      line: el.shadowRoot!.querySelector("[part~=state]")!.textContent ?? "",
      notice: el.shadowRoot!.querySelector("[part~=ice-notice]")?.textContent ?? "",
      iceErrors: w.__events.filter((e) => e.type === "ice-error").map((e) => e.detail),
      usernames,
    };
  });

const until = (page: Page, ok: (l: Awaited<ReturnType<typeof look>>) => boolean, what: string, ms = 30_000) => pollUntil(() => look(page), ok, what, ms);

const relayed = (l: Awaited<ReturnType<typeof look>>) => l.state === "connected" && l.frames > 10 && l.pairs.length === 1 && l.pairs[0] === "relay/relay";

async function relayCall(s: ServerProcess, room: string) {
  const a = await open(s, room);
  await until(a, (l) => l.state === "waiting", "a waiting");
  const b = await open(s, room);
  await until(a, relayed, "a decoding through the relay");
  await until(b, relayed, "b decoding through the relay");
  return [a, b] as const;
}

test("relay-only calls go relay to relay through coturn, and stop when it goes away", async () => {
  const coturn = await turn();
  const s = await server(coturn);
  const [a, b] = await relayCall(s, `relay-${Date.now().toString(36)}`);

  const stoppedAt = Date.now();
  await coturn.stop();
  // Proof that the media went through the relay: with it gone, no more frames.
  await until(a, (l) => l.state !== "connected", "a losing the call", 40_000);
  const stalled = await look(a);
  await Bun.sleep(2000);
  expect((await look(a)).frames).toBe(stalled.frames);
  // The element says why: the connection failed with no route left, or the relay cannot be
  // reached (which of the two Chromium reports first depends on how it noticed the loss).
  const said = async () => {
    const events = await a.evaluate(() => (window as unknown as { __events: { type: string; detail: Record<string, unknown> }[] }).__events);
    return events.filter((e) => (e.detail.at as number) >= stoppedAt && ((e.type === "call-state" && e.detail.state === "failed") || (e.type === "ice-error" && e.detail.code === 701))).map((e) => e.detail);
  };
  const deadline = Date.now() + 70_000;
  while ((await said()).length === 0 && Date.now() < deadline) await Bun.sleep(500);
  const reported = await said();
  expect(reported.length).toBeGreaterThan(0);
  const first = reported[0]!;
  if (first.state === "failed") expect(first.reason).toBe("no-route");
  else expect(String(first.url)).toContain(`127.0.0.1:${coturn.port}`);
  for (const p of [a, b]) await p.context().close();
}, 150_000);

test("a wrong TURN secret fails the relay-only call with the 401 shown", async () => {
  const coturn = await turn();
  const s = await server(coturn, { TURN_SECRET: "not-the-secret-coturn-has" });
  const room = `wrong-${Date.now().toString(36)}`;
  const a = await open(s, room);
  await until(a, (l) => l.state === "waiting", "a waiting");
  const b = await open(s, room);
  const seen = await until(b, (l) => l.iceErrors.some((e) => e.code === 401) && l.state === "failed", "a 401 from coturn, and the call failed", 40_000);
  expect(seen.notice).toContain("refused the credentials (401)");
  // It says what is missing: no relay candidate at all.
  expect(seen.line).toContain("no relay (TURN) candidate could be gathered");
  expect(seen.frames).toBe(0);
  for (const p of [a, b]) await p.context().close();
}, 90_000);

test("an ICE restart after the first credentials expired still goes through TURN", async () => {
  const coturn = await turn();
  const s = await server(coturn, { TURN_TTL_SECONDS: "10" });
  const [a, b] = await relayCall(s, `expiry-${Date.now().toString(36)}`);
  const first = (await look(a)).usernames[0]!;
  const firstExpiry = Number(first.split(":")[0]);
  // Past the first credentials' lifetime (their relays go on: coturn checks at allocation).
  while (Date.now() / 1000 < firstExpiry + 1) await Bun.sleep(250);
  // A new coturn on the same port: every allocation is gone, so each side must make new ones.
  const port = coturn.port;
  await coturn.stop();
  const again = await turn(port);
  expect(again.port).toBe(port);
  const back = await until(a, (l) => relayed(l) && l.usernames.every((u) => Number(u.split(":")[0]) > firstExpiry), "a relayed again with fresh credentials", 60_000);
  await until(b, relayed, "b relayed again", 30_000);
  // Only fresh credentials are in use (the relays that survived the first ones' expiry were
  // lost with the old coturn; their renewal's 401s are expected and harmless).
  expect(back.usernames.length).toBeGreaterThan(0);
  for (const p of [a, b]) await p.context().close();
}, 150_000);

test("the loopback page's relay test says whether the relay works, and how fast", async () => {
  const coturn = await turn();
  const s = await server(coturn, { ICE_TRANSPORT_POLICY: "all" });
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${s.url}/loopback`);
  const test = () =>
    page.evaluate(async () => {
      const el = document.querySelector("loopback-demo[relay-test]") as HTMLElement & { start(): Promise<void>; call(): Promise<void>; hangUp(): void };
      const result = new Promise<unknown>((r) => el.addEventListener("relay-test", (e) => r((e as CustomEvent).detail), { once: true }));
      await el.start();
      await el.call();
      const detail = await result;
      const line = el.shadowRoot!.querySelector("[part~=verdict]")?.textContent?.trim();
      const pcs = await (el as unknown as { getStats(): Promise<Map<string, RTCStatsReport>> }).getStats();
      const types: string[] = [];
      pcs.get("pc2")?.forEach((st) => st.type === "local-candidate" && types.push(st.candidateType));
      el.hangUp();
      return { detail, line, types };
    });
  const ok = await test();
  expect(ok.detail).toMatchObject({ ok: true, reason: null });
  expect((ok.detail as { ms: number }).ms).toBeGreaterThan(0);
  expect(ok.line).toContain("The relay (TURN) works");
  expect(ok.types.length).toBeGreaterThan(0);
  expect(ok.types.every((t) => t === "relay")).toBe(true);

  await coturn.stop();
  const down = await test();
  expect(down.detail).toMatchObject({ ok: false, ms: null });
  expect((down.detail as { reason: string }).reason).toContain("No relay candidate could be gathered");
  expect(down.line).toContain("does not work");
  await page.context().close();
}, 60_000);

test("an ice-servers attribute adds to what the server gives", async () => {
  const coturn = await turn();
  const s = await server(coturn, { ICE_TRANSPORT_POLICY: "all" });
  const room = `added-${Date.now().toString(36)}`;
  const site = serveEmbeddingPage(s.url, { room, "ice-servers": '[{"urls":"stun:127.0.0.1:3479"}]' });
  running.push({ stop: async () => site.stop() });
  const a = await (await browser.newContext()).newPage();
  await a.addInitScript(() => {
    const w = window as unknown as { __pcs: RTCPeerConnection[] };
    w.__pcs = [];
    const Native = window.RTCPeerConnection;
    window.RTCPeerConnection = class extends Native {
      constructor(config?: RTCConfiguration) {
        super(config);
        w.__pcs.push(this);
      }
    } as typeof RTCPeerConnection;
  });
  await a.goto(site.url);
  await a.waitForFunction(() => document.querySelector("video-call")?.getAttribute("state") === "waiting", undefined, { timeout: 15_000 });
  const b = await open(s, room);
  // The call's link: the element checks its attribute with a connection it closes at once.
  await a.waitForFunction(() => (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.some((pc) => pc.connectionState !== "closed"), undefined, { timeout: 15_000 });
  const urls = await a.evaluate(() =>
    (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs
      .find((pc) => pc.connectionState !== "closed")!
      .getConfiguration()
      .iceServers!.flatMap((x) => [x.urls].flat()),
  );
  // The element's own first, then the server's TURN with its credentials.
  expect(urls[0]).toBe("stun:127.0.0.1:3479");
  expect(urls.some((u) => u.startsWith(`turn:127.0.0.1:${coturn.port}`))).toBe(true);
  for (const p of [a, b]) await p.context().close();
}, 60_000);
