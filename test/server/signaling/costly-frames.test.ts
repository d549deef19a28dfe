import { afterEach, expect, test } from "bun:test";
import * as path from "node:path";
import { type ServerProcess, spawnServer } from "../../support/services/server-process.ts";
import { rawConnect } from "../raw-socket.ts";

const ROOT = path.resolve(import.meta.dir, "../../..");
const ATTACK_SECONDS = 4;

let server: ServerProcess | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

const pongs = (data: string) => data.split('{"type":"pong"}').length - 1;

/**
 * Runs test/support/costly-sender.ts from 127.0.0.1 against a server with the default
 * limits, while a bystander on 127.0.0.2 (all of 127.0.0.0/8 is loopback; another address,
 * so the attacker's per-address limits are not its own) pings from another room.
 * Returns the bystander's round trips and the sender's report.
 */
async function underAttack(pace: { burst: number; perSecond: number }) {
  server = await spawnServer({ LOG_LEVEL: "error" });
  const bystander = await rawConnect(server.port, { localAddress: "127.0.0.2" });
  bystander.sendText(JSON.stringify({ type: "join", room: "bystander" }));
  await bystander.until((d) => d.includes('"created"'));
  const args = { url: server.wsUrl, sockets: 64, seconds: ATTACK_SECONDS, maxBytes: 65536, ...pace };
  const attacker = Bun.spawn(["bun", "test/support/costly-sender.ts", JSON.stringify(args)], { cwd: ROOT, stdout: "pipe", stderr: "inherit", timeout: 30_000 });
  const roundTrips: number[] = [];
  const started = performance.now();
  while (performance.now() - started < ATTACK_SECONDS * 1000) {
    const before = pongs(bystander.data());
    const t0 = performance.now();
    bystander.sendText('{"type":"ping"}');
    // An unanswered ping counts as a 2 s round trip.
    await bystander.until((d) => pongs(d) > before, 2000).catch(() => {});
    roundTrips.push(performance.now() - t0);
    await Bun.sleep(20);
  }
  const report = JSON.parse((await new Response(attacker.stdout).text()).trim().split("\n").at(-1)!);
  expect(await attacker.exited).toBe(0);
  // The bystander is still in its room, and its socket still works.
  bystander.sendText(JSON.stringify({ type: "join", room: "another" }));
  await bystander.until((d) => d.includes('"already-joined"'));
  bystander.destroy();
  return { roundTrips, report };
}

test("a bystander's ping comes back within 250 ms while one address bursts the costliest frames the limits allow", async () => {
  // Every socket the address may have sends a burst of the costliest frames, then as fast as the rate
  // limit allows. 40 frames of 64 KiB are more than the limits let through one socket before it is
  // closed; a longer burst would only load the attacker's side of this machine.
  const { roundTrips, report } = await underAttack({ burst: 40, perSecond: 50 });
  expect(report.sent).toBeGreaterThan(2000);
  expect(Math.max(...roundTrips)).toBeLessThan(250);
  expect(roundTrips.length).toBeGreaterThan(20);
  // Such a flood gets its sockets closed and its address kept out.
  expect(report.closes["1008"]).toBeGreaterThan(0);
}, 60_000);

test("a bystander's ping comes back within 250 ms while one address keeps sending the costliest frames without being closed", async () => {
  // Paced so that the address's sockets stay open: its budget is what bounds its work.
  const { roundTrips, report } = await underAttack({ burst: 4, perSecond: 4 });
  expect(report.sent).toBeGreaterThan(500);
  expect(Math.max(...roundTrips)).toBeLessThan(250);
  expect(roundTrips.length).toBeGreaterThan(20);
}, 60_000);
