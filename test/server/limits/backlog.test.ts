import { expect, test } from "bun:test";
import { Backlog } from "../../../src/server/limits/backlog.ts";

test("a backlog takes what has gone out off its oldest records, and never counts more than is queued", () => {
  const b = new Backlog();
  b.add("a", 100);
  b.add("b", 50);
  b.add("a", 30);
  expect([b.queued, b.of("a"), b.of("b")]).toEqual([180, 130, 50]);
  // 60 bytes have gone out: the first 60 of a's first frame.
  b.settle(120);
  expect([b.queued, b.of("a"), b.of("b")]).toEqual([120, 70, 50]);
  // The rest of it, and b's frame.
  b.settle(30);
  expect([b.queued, b.of("a"), b.of("b")]).toEqual([30, 30, 0]);
  // Bytes the server queued for itself are not anyone's: nothing to take off.
  b.settle(500);
  expect(b.queued).toBe(30);
  b.settle(0);
  expect([b.queued, b.of("a")]).toEqual([0, 0]);
  // Many records in and out: the old ones are dropped as it goes.
  for (let i = 0; i < 10_000; i++) {
    b.add(i % 2 ? "a" : "b", 10);
    b.settle(100);
  }
  expect([b.queued, b.of("a") + b.of("b")]).toEqual([100, 100]);
});
