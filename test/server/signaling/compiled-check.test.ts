/**
 * The relay's compiled check against zod itself: on valid messages of every kind and on
 * thousands of seeded mutations of them (keys dropped, added, retyped, lengths and numbers
 * at their bounds and past them), it says yes exactly where ClientMessage.safeParse does.
 * And it refuses to compile what it could not check exactly.
 */
import { describe, expect, test } from "bun:test";
import * as z from "zod/mini";
import { compileCheck } from "../../../src/server/signaling/compiled-check.ts";
import { CANDIDATE_MAX, ClientMessage, PAYLOAD_MAX_DEPTH } from "../../../src/shared/protocol.ts";
import { prng } from "../../support/fuzz.ts";

const isClientMessage = compileCheck(ClientMessage);
const agree = (v: unknown) => expect({ v, ok: isClientMessage(v) }).toEqual({ v, ok: ClientMessage.safeParse(v).success });

const nested = (depth: number): unknown => (depth === 0 ? 1 : { a: nested(depth - 1) });
const candidate = { candidate: "candidate:1 1 udp 2122260223 192.0.2.10 54400 typ host", sdpMid: "0", sdpMLineIndex: 0, usernameFragment: "hT4x" };

/** One valid message of each kind a client sends, with and without its optional fields. */
const VALID: Record<string, unknown>[] = [
  { type: "join", room: "standup" },
  { type: "join", room: "a-b_C9", resume: "standup.q3Xb0aPz1LcK.1764049000.Yx7", token: "e.y.J", name: "Ada L." },
  { type: "leave" },
  { type: "ping" },
  { type: "ice-refresh" },
  { type: "description", description: { type: "offer", sdp: "v=0\r\n" } },
  { type: "description", to: "q3Xb0aPz1LcK", link: 3, description: { type: "rollback" } },
  { type: "candidate", candidate },
  { type: "candidate", to: "a", link: 0, candidate: null },
  { type: "candidate", candidate: { candidate: "", sdpMid: null, sdpMLineIndex: null, usernameFragment: null } },
  { type: "app", payload: { any: [1, "x", null, true] } },
  { type: "app", to: "Vn8sW2mE4tRa", payload: null },
  { type: "app", payload: nested(PAYLOAD_MAX_DEPTH) },
];

/** Values to put in a field: every JSON type, and numbers and strings at and past the protocol's bounds. */
const REPLACEMENTS: unknown[] = [
  undefined,
  null,
  true,
  0,
  -1,
  1.5,
  -0,
  2 ** 31 - 1,
  2 ** 31,
  1024,
  1025,
  Number.MAX_SAFE_INTEGER + 2,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  "",
  "x",
  "a b",
  "<script>",
  "x".repeat(32),
  "x".repeat(33),
  "x".repeat(64),
  "x".repeat(65),
  "x".repeat(CANDIDATE_MAX),
  "x".repeat(CANDIDATE_MAX + 1),
  "offer",
  "bogus",
  "join",
  "\u0000",
  "\u200f",
  "Ünïcödé",
  [],
  ["offer"],
  {},
  { type: "offer" },
  candidate,
  nested(PAYLOAD_MAX_DEPTH + 1),
];

/** A copy of `v` with one thing changed at a random place in it. */
function mutate(v: unknown, rand: () => number): unknown {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  if (typeof v !== "object" || v === null || Array.isArray(v) || rand() < 0.25) return pick(REPLACEMENTS);
  const copy: Record<string, unknown> = { ...(v as Record<string, unknown>) };
  const keys = Object.keys(copy);
  const r = rand();
  // An own key, as JSON.parse makes it (plain assignment to __proto__ would set the prototype).
  if (r < 0.15 || keys.length === 0) Object.defineProperty(copy, pick(["extra", "from", "__proto__", "constructor", "type", "to", "link", "sdp"]), { value: pick(REPLACEMENTS), enumerable: true, writable: true, configurable: true });
  else if (r < 0.3) delete copy[pick(keys)];
  else {
    const k = pick(keys);
    copy[k] = mutate(copy[k], rand);
  }
  return copy;
}

describe("compiled check", () => {
  test("takes every valid message of every kind", () => {
    for (const v of VALID) {
      expect(isClientMessage(v)).toBe(true);
      agree(v);
    }
  });

  test("agrees with zod on 20,000 seeded mutations, and on the same as parsed from JSON", () => {
    const rand = prng(15);
    let refused = 0;
    for (let i = 0; i < 20_000; i++) {
      let v = VALID[i % VALID.length];
      for (let n = 1 + Math.floor(rand() * 3); n > 0; n--) v = mutate(v, rand) as Record<string, unknown>;
      agree(v);
      const text = JSON.stringify(v);
      if (text !== undefined) agree(JSON.parse(text));
      if (!ClientMessage.safeParse(v).success) refused++;
    }
    // The mutations reach both sides of the line.
    expect(refused).toBeGreaterThan(5_000);
    expect(20_000 - refused).toBeGreaterThan(500);
  });

  test("a key named __proto__ in the text is a key like any other: refused", () => {
    const v = JSON.parse('{"type":"ping","__proto__":{"type":"join"}}');
    expect(isClientMessage(v)).toBe(false);
    agree(v);
  });

  test("refuses to compile what it could not check exactly", () => {
    expect(() => compileCheck(z.object({ a: z.string() }))).toThrow(/strict/);
    expect(() => compileCheck(z.strictObject({ a: z._default(z.string(), "x") }))).toThrow(/default/);
    expect(() => compileCheck(z.pipe(z.string(), z.transform((s: string) => s.length)))).toThrow(/pipe/);
    expect(() => compileCheck(z.union([z.string(), z.number()]))).toThrow(/discriminated/);
    expect(() => compileCheck(z.string().check(z.email()))).toThrow(/email/);
    expect(() => compileCheck(z.array(z.string()))).toThrow(/array/);
  });
});
