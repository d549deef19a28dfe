import { describe, expect, test } from "bun:test";
import { createAddressLimits } from "../../../src/server/limits/address-limits.ts";

describe("address limits", () => {
  test("expired flood bans are swept without the address coming back", () => {
    let t = 0;
    const limits = createAddressLimits(2, { perSecond: 1000, burst: 1000 }, () => t);
    for (let i = 0; i < 1000; i++) limits.ban(`10.0.${i >> 8}.${i & 255}`, 30);
    expect(limits.size().bans).toBe(1000);
    t = 29_999;
    limits.sweep();
    expect(limits.size().bans).toBe(1000);
    expect(limits.take("10.0.0.1")).toBe("banned");
    t = 30_000;
    limits.sweep();
    expect(limits.size().bans).toBe(0);
    expect(limits.take("10.0.0.1")).toMatchObject({ name: "10.0.0.1", count: 1 });
  });

  test("an address's budget outlives its sockets: it is forgotten only once nothing is owed", () => {
    let t = 0;
    const limits = createAddressLimits(2, { perSecond: 1000, burst: 1000 }, () => t);
    const a = limits.take("10.0.0.1");
    if (typeof a === "string") throw new Error(a);
    expect(a.mayWork(t)).toBe(true);
    a.spend(3000);
    limits.release(a);
    // Connecting again finds the debt where it was.
    const again = limits.take("10.0.0.1");
    expect(again).toBe(a);
    expect(a.mayWork(t)).toBe(false);
    limits.release(a);
    t = 2_500;
    limits.sweep();
    expect(limits.size().addresses).toBe(1);
    t = 3_000;
    limits.sweep();
    expect(limits.size().addresses).toBe(0);
    expect(limits.take("10.0.0.1")).not.toBe(a);
  });
});
