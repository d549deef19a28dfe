/**
 * What every room registry promises (src/server/rooms/registry.ts), as one suite that each
 * backend runs: the embedded one and Redis.
 */
import { describe, expect, test } from "bun:test";
import type { RoomRegistry } from "../../../src/server/rooms/registry.ts";

/** `make` gives a fresh registry of capacity 2 and at most 3 rooms, empty. */
export function registryContract(name: string, make: () => Promise<RoomRegistry>) {
  describe(`${name} registry`, () => {
    test("the first join creates the room; seats keep join order; a full room refuses", async () => {
      const r = await make();
      const a = await r.join("c-1", "a", "n1", null);
      expect(a).toMatchObject({ kind: "seated", replaced: null, seats: [{ id: "a", node: "n1" }] });
      const b = await r.join("c-1", "b", "n2", null);
      if (a.kind !== "seated" || b.kind !== "seated") throw new Error("not seated");
      expect(b.seats.map((s) => [s.id, s.node])).toEqual([["a", "n1"], ["b", "n2"]]);
      expect(b.version).toBeGreaterThan(a.version);
      expect(b.seat.epoch).toBeGreaterThan(a.seat.epoch);
      expect(await r.join("c-1", "c", "n1", null)).toEqual({ kind: "full", capacity: 2 });
      expect(await r.occupancy("c-1")).toBe(2);
      expect((await r.room("c-1")).seats.map((s) => s.id)).toEqual(["a", "b"]);
    });

    test("an id that holds a seat takes it over, full or not, in its place, under a new epoch", async () => {
      const r = await make();
      const a = await r.join("c-2", "a", "n1", null);
      await r.join("c-2", "b", "n1", null);
      const again = await r.join("c-2", "a", "n2", null);
      if (a.kind !== "seated" || again.kind !== "seated") throw new Error("not seated");
      expect(again.replaced).toEqual(a.seat);
      expect(again.seat).toMatchObject({ id: "a", node: "n2" });
      expect(again.seat.epoch).toBeGreaterThan(a.seat.epoch);
      expect(again.seats.map((s) => [s.id, s.node])).toEqual([["a", "n2"], ["b", "n1"]]);
      // The replaced seat is not the seat any more: leaving with it changes nothing.
      expect(await r.leave("c-2", "a", a.seat.epoch)).toBeNull();
      expect(await r.occupancy("c-2")).toBe(2);
    });

    test("a seat keeps its profile (a name, verified or not), through a takeover that brings none", async () => {
      const r = await make();
      await r.join("c-9", "a", "n1", { name: "Ada Lovelace", verified: true });
      const b = await r.join("c-9", "b", "n1", { name: "grace h. 💻", verified: false });
      if (b.kind !== "seated") throw new Error("not seated");
      expect(b.seats.map((s) => s.profile)).toEqual([{ name: "Ada Lovelace", verified: true }, { name: "grace h. 💻", verified: false }]);
      const again = await r.join("c-9", "a", "n2", null);
      if (again.kind !== "seated") throw new Error("not seated");
      expect(again.seat.profile).toEqual({ name: "Ada Lovelace", verified: true });
      const renamed = await r.join("c-9", "b", "n2", { name: "Grace", verified: true });
      if (renamed.kind !== "seated") throw new Error("not seated");
      expect((await r.room("c-9")).seats.map((s) => s.profile?.name)).toEqual(["Ada Lovelace", "Grace"]);
      const c = await r.join("c-10", "c", "n1", null);
      if (c.kind !== "seated") throw new Error("not seated");
      expect(c.seat.profile).toBeNull();
    });

    test("a leave frees only that very seat; the last one frees the room", async () => {
      const r = await make();
      const a = await r.join("c-3", "a", "n1", null);
      const b = await r.join("c-3", "b", "n2", null);
      if (a.kind !== "seated" || b.kind !== "seated") throw new Error("not seated");
      expect(await r.leave("c-3", "a", a.seat.epoch + 1000)).toBeNull();
      expect(await r.leave("c-3", "nobody", 1)).toBeNull();
      const left = await r.leave("c-3", "a", a.seat.epoch);
      expect(left).toMatchObject({ removed: a.seat, seats: [b.seat] });
      expect(left!.version).toBeGreaterThan(b.version);
      expect(await r.roomCount()).toBe(1);
      expect(await r.leave("c-3", "b", b.seat.epoch)).toMatchObject({ seats: [] });
      expect(await r.roomCount()).toBe(0);
      expect(await r.occupancy("c-3")).toBe(0);
      expect(await r.room("c-3")).toMatchObject({ seats: [] });
      // Made anew, the room's versions and epochs still go on from where they were.
      const again = await r.join("c-3", "a", "n1", null);
      expect(again.kind === "seated" && again.seat.epoch).toBeGreaterThan(left!.version);
    });

    test("a room beyond the room limit is refused; joining one that exists is not", async () => {
      const r = await make();
      for (const room of ["c-4a", "c-4b", "c-4c"]) expect((await r.join(room, "a", "n1", null)).kind).toBe("seated");
      expect(await r.join("c-4d", "a", "n1", null)).toEqual({ kind: "room-limit" });
      expect((await r.join("c-4a", "b", "n1", null)).kind).toBe("seated");
      expect(await r.roomCount()).toBe(3);
    });

    test("joins at the same moment never seat more than the capacity", async () => {
      const r = await make();
      const all = await Promise.all(Array.from({ length: 20 }, (_, i) => r.join("c-5", `p${i}`, `n${i % 3}`, null)));
      expect(all.filter((x) => x.kind === "seated").length).toBe(2);
      expect(all.filter((x) => x.kind === "full").length).toBe(18);
      const versions = all.flatMap((x) => (x.kind === "seated" ? [x.seat.epoch] : []));
      expect(new Set(versions).size).toBe(2);
    });
  });
}
