/**
 * A real call across two nodes of a cluster (two server processes, one redis-server): each
 * page signals through a load balancer of its own that prefers one node and fails over to
 * the other. The node of one page is killed (SIGKILL); that page reconnects through its
 * balancer to the surviving node, resumes its seat there, and the call goes on whole.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { launchBrowser } from "../support/browsers/browser.ts";
import { callProblems } from "../support/browsers/call-checks.ts";
import { type Cluster, startCluster } from "../support/services/cluster.ts";
import { type EmbeddingPage, serveEmbeddingPage } from "../support/browsers/embedding-page.ts";
import { startTcpProxy, type TcpProxy } from "../support/services/tcp-proxy.ts";
import { type CallSnapshot, installProbe, snapshot } from "../support/browsers/video-call-probe.ts";

let cluster: Cluster;
let browser: Browser;
const proxies: TcpProxy[] = [];
const sites: EmbeddingPage[] = [];

beforeAll(async () => {
  cluster = await startCluster(2, { NODE_LEASE_SECONDS: "3", RESUME_GRACE_SECONDS: "20" });
  browser = await launchBrowser();
});
afterAll(async () => {
  for (const p of proxies) p.stop();
  for (const s of sites) s.stop();
  await browser?.close();
  await cluster?.stop();
});

/** A page whose signaling goes to node `prefer` first, and to the other when that one refuses. */
async function pageOn(prefer: number, room: string): Promise<Page> {
  const [first, other] = prefer === 0 ? cluster.nodes : [...cluster.nodes].reverse();
  const balancer = startTcpProxy(first!.port, { fallbackPorts: [other!.port] });
  proxies.push(balancer);
  const site = serveEmbeddingPage(balancer.url, { room, "signaling-url": balancer.wsUrl });
  sites.push(site);
  const page = await (await browser.newContext()).newPage();
  await installProbe(page);
  await page.goto(site.url);
  return page;
}

async function until(page: Page, ok: (s: CallSnapshot) => boolean, what: string, ms = 20_000): Promise<CallSnapshot> {
  const deadline = Date.now() + ms;
  for (;;) {
    const s = await snapshot(page);
    if (ok(s)) return s;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(s)}`);
    await Bun.sleep(200);
  }
}

const decoding = (s: CallSnapshot) => s.state === "connected" && s.tiles.length === 1 && Object.values(s.links).some((l) => l.videoFramesDecoded > 0);

test("two pages on two nodes call each other; one node is killed, its page resumes on the other, the call goes on", async () => {
  const room = `cluster-${Date.now().toString(36)}`;
  const a = await pageOn(0, room);
  await until(a, (s) => s.state === "waiting", "a waiting");
  const b = await pageOn(1, room);
  await until(a, decoding, "a decoding b's video");
  const bBefore = await until(b, decoding, "b decoding a's video");
  const aBefore = await snapshot(a);
  // Each page's socket is on its own node: a on node 0, b on node 1.
  expect(cluster.nodes.map((n) => n.logs.filter((l) => l.includes('"event":"join"') && l.includes(room)).length)).toEqual([1, 1]);

  cluster.nodes[0]!.proc.kill("SIGKILL");
  // a's balancer sends it to node 1, where it takes its own seat back.
  // (The call is peer to peer: the page stays connected meanwhile; the node's log shows it back.)
  const resumedOnNode1 = () => cluster.nodes[1]!.logs.some((l) => l.includes('"event":"join"') && l.includes(aBefore.selfId!) && l.includes('"resumed":true'));
  const deadline = Date.now() + 30_000;
  while (!resumedOnNode1()) {
    if (Date.now() > deadline) throw new Error(`a did not resume on node 1: ${JSON.stringify(await snapshot(a))}`);
    await Bun.sleep(100);
  }
  await until(a, (s) => s.state === "connected" && s.selfId === aBefore.selfId, "a connected as itself");
  const [aAfter, bAfter] = [await until(a, decoding, "a decoding"), await until(b, decoding, "b decoding")];
  await Bun.sleep(1000);
  const problems = callProblems([
    { name: "a", before: aAfter, after: await snapshot(a) },
    { name: "b", before: bAfter, after: await snapshot(b) },
  ]);
  expect(problems).toEqual([]);
  expect((await snapshot(b)).selfId).toBe(bBefore.selfId);
  // The room, as the surviving node sees it: the two of them, no ghost.
  expect(await (await fetch(`${cluster.nodes[1]!.url}/rooms/${room}/occupancy`)).text()).toContain("2 of 2");
  for (const p of [a, b]) await p.context().close();
}, 90_000);
