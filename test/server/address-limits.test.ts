import { describe, expect, test } from "bun:test";
import { createAddressLimits } from "../../src/server/address-limits.ts";

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
});
