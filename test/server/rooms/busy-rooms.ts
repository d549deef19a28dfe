/**
 * 1,000 rooms of two exchange messages all at once; every message reaches its room-mate
 * and nothing else arrives anywhere. The first of each pair joins through `urlA`, the
 * second through `urlB` (the same server, or two nodes of a cluster).
 */
import { expect } from "bun:test";
import { pair } from "../harness.ts";

export async function busyRooms(urlA: string, urlB: string, { rooms = 1000, rounds = 3 } = {}) {
  const pairs = [];
  for (let i = 0; i < rooms; i += 100) {
    pairs.push(...(await Promise.all(Array.from({ length: 100 }, (_, k) => pair(urlA, `busy-${i + k}`, urlB)))));
  }
  for (let r = 0; r < rounds; r++) {
    pairs.forEach(({ a, b }, i) => {
      a.client.send({ type: "app", payload: { room: `busy-${i}`, r } });
      b.client.send({ type: "app", payload: { room: `busy-${i}`, r } });
    });
  }
  let delivered = 0;
  await Promise.all(
    pairs.map(async ({ a, b }, i) => {
      for (const [me, other] of [[a, b], [b, a]] as const) {
        for (let r = 0; r < rounds; r++) {
          const m = await me.client.next("app", 15_000);
          expect(m.from).toBe(other.id);
          expect(m.payload).toEqual({ room: `busy-${i}`, r });
          delivered++;
        }
      }
    }),
  );
  expect(delivered).toBe(rooms * 2 * rounds);
  // No stray frame anywhere after the exchange.
  await Bun.sleep(200);
  const stray = pairs.reduce((n, { a, b }) => n + a.client.received.length + b.client.received.length, 0);
  // per room: created, joined, peer-joined, and each side's app messages
  expect(stray).toBe(rooms * (3 + 2 * rounds));
  for (const { a, b } of pairs) {
    a.client.close();
    b.client.close();
  }
}
