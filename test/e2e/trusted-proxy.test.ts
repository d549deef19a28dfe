/**
 * Client addresses behind a real nginx (TRUSTED_PROXIES): clients connect to nginx from
 * several loopback addresses, and the per-address limit and the flood ban apply to each of
 * them, not to nginx; a client cannot spoof its way past by sending its own X-Forwarded-For.
 * Without TRUSTED_PROXIES the header is ignored and everyone is nginx.
 */
import { afterAll, expect, test } from "bun:test";
import { type Nginx, startNginx } from "../support/services/nginx.ts";
import { type ServerProcess, spawnServer } from "../support/services/server-process.ts";
import { type RawSocket, rawConnect } from "../server/raw-socket.ts";

const running: { stop(): Promise<unknown> }[] = [];
const sockets: RawSocket[] = [];
afterAll(async () => {
  for (const s of sockets) s.destroy();
  for (const r of running.reverse()) await r.stop();
});

async function behindNginx(env: Record<string, string>): Promise<{ server: ServerProcess; nginx: Nginx }> {
  const server = await spawnServer({ MAX_CONNECTIONS_PER_ADDRESS: "2", LOG_LEVEL: "info", ...env });
  running.push(server);
  const nginx = await startNginx(server.port);
  running.push(nginx);
  return { server, nginx };
}

/** A socket through nginx from `from`; the status line when it is refused. */
async function connect(nginx: Nginx, from: string, headers: string[] = []): Promise<RawSocket | string> {
  try {
    const s = await rawConnect(nginx.port, { localAddress: from, headers, host: `127.0.0.1:${nginx.port}` });
    sockets.push(s);
    return s;
  } catch (err) {
    return (err as Error).message;
  }
}
const admitted = (r: RawSocket | string) => typeof r !== "string";

test("behind a trusted proxy, each client's own address has its limit, and spoofing is ignored", async () => {
  const { server, nginx } = await behindNginx({ TRUSTED_PROXIES: "127.0.0.1" });
  // Two sockets per address are admitted; a third from the same address is refused.
  for (const from of ["127.0.0.2", "127.0.0.3"]) {
    expect(admitted(await connect(nginx, from))).toBe(true);
    expect(admitted(await connect(nginx, from))).toBe(true);
  }
  expect(await connect(nginx, "127.0.0.2")).toContain("429");
  // Others are unaffected.
  expect(admitted(await connect(nginx, "127.0.0.4"))).toBe(true);
  // A client naming another address itself: nginx appends the real one, which is the one used.
  expect(admitted(await connect(nginx, "127.0.0.5", ["X-Forwarded-For: 127.0.0.9"]))).toBe(true);
  expect(admitted(await connect(nginx, "127.0.0.5", ["X-Forwarded-For: 127.0.0.9"]))).toBe(true);
  expect(await connect(nginx, "127.0.0.5", ["X-Forwarded-For: 127.0.0.9"])).toContain("429");
  expect(admitted(await connect(nginx, "127.0.0.9"))).toBe(true);

  // A flooder from one address is banned; clients from the other addresses keep connecting.
  const flooder = (await connect(nginx, "127.0.0.6")) as RawSocket;
  expect(admitted(flooder)).toBe(true);
  for (let i = 0; i < 1000 && flooder.closeCode() === null; i++) {
    flooder.sendText('{"type":"ping"}');
    if (i % 100 === 99) await Bun.sleep(5);
  }
  // The server closes it for flooding (1008) and bans its address, the real client's.
  const closed = () => server.logs.some((l) => l.includes('"flood-closed"') && l.includes('"address":"127.0.0.6"'));
  const deadline = Date.now() + 10_000;
  while (!closed() && Date.now() < deadline) await Bun.sleep(50);
  expect(closed()).toBe(true);
  expect(await connect(nginx, "127.0.0.6")).toContain("429");
  expect(admitted(await connect(nginx, "127.0.0.7"))).toBe(true);
  // Nothing was logged under the proxy's own address.
  expect(server.logs.some((l) => l.includes('"address":"127.0.0.1"'))).toBe(false);
}, 60_000);

test("without TRUSTED_PROXIES, X-Forwarded-For is ignored: every client behind nginx is nginx", async () => {
  const { nginx } = await behindNginx({});
  expect(admitted(await connect(nginx, "127.0.0.2"))).toBe(true);
  expect(admitted(await connect(nginx, "127.0.0.3"))).toBe(true);
  expect(await connect(nginx, "127.0.0.4")).toContain("429");
}, 60_000);
