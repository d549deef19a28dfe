/**
 * The test proxy itself: signaling passes through it unchanged, large frames included, and
 * `cutAll()` drops every connection the way a network does (1006 at the client, the seat
 * held for a resume at the server), and may keep refusing new ones for a while.
 */
import { afterAll, expect, test } from "bun:test";
import { startTcpProxy } from "../../support/services/tcp-proxy.ts";
import { Client, useServer } from "../harness.ts";

const server = useServer({ RESUME_GRACE_SECONDS: "5" });
const proxies: ReturnType<typeof startTcpProxy>[] = [];
afterAll(() => {
  for (const p of proxies) p.stop();
});

test("relays both ways, big frames too, and cutAll() drops every connection at once", async () => {
  const proxy = startTcpProxy(server.port);
  proxies.push(proxy);
  const a = await Client.connect(proxy.wsUrl);
  const b = await Client.connect(proxy.wsUrl);
  a.send({ type: "join", room: "proxied" });
  const created = await a.next("created");
  b.send({ type: "join", room: "proxied" });
  await b.next("joined");
  await a.next("peer-joined");
  // Bigger than a socket buffer's worth at once: the proxy must queue and drain.
  const sdp = "v=0\r\n" + "a=x".repeat(15_000);
  for (let i = 0; i < 4; i++) b.send({ type: "description", description: { type: "offer", sdp } });
  for (let i = 0; i < 4; i++) expect((await a.next("description")).description.sdp).toBe(sdp);
  expect(proxy.open).toBe(2);

  expect(proxy.cutAll()).toBe(2);
  expect((await a.closed()).code).toBe(1006);
  expect((await b.closed()).code).toBe(1006);
  expect(proxy.open).toBe(0);

  // While down, new connections are refused; afterwards they go through again.
  proxy.cutAll(300);
  await expect(Client.connect(proxy.wsUrl)).rejects.toThrow();
  expect(proxy.refused).toBe(1);
  await Bun.sleep(350);

  // The seat waited: the same peer resumes through the proxy with its token.
  const again = await Client.connect(proxy.wsUrl);
  again.send({ type: "join", room: "proxied", resume: created.resume });
  // b's seat is held too, so the room is still there.
  const resumed = await again.next("joined");
  expect(resumed.resumed).toBe(true);
  expect(resumed.peers.length).toBe(1);
  expect(resumed.id).toBe(created.id);
  again.close();
  proxy.stop();
  expect(proxy.cutAll()).toBe(0);
});
