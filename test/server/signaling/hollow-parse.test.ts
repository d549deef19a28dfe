/**
 * The relay's parse that leaves long strings out, against the exact way (JSON.parse of the
 * whole text, the repeated-key rule and zod): on frames with long strings of every kind
 * and thousands of seeded mutations of their text (control characters, bad escapes, quotes,
 * markers of the client's own, repeated keys, lengths around the schema's bounds, cuts),
 * whatever it takes the exact way takes too, as the same message; and it takes every
 * valid relayed frame with long strings, so the relay really goes this way.
 */
import { describe, expect, test } from "bun:test";
import { FRAME_LIMITS, FrameScan, MAX_SPANS } from "../../../src/server/limits/frame-scan.ts";
import { HOLLOW_FROM, HollowParse, MARK, markCount } from "../../../src/server/signaling/hollow-parse.ts";
import { compileHollowCheck } from "../../../src/server/signaling/compiled-check.ts";
import { CANDIDATE_MAX, ClientMessage, payloadWithinDepth, SDP_MAX } from "../../../src/shared/protocol.ts";
import * as z from "zod/mini";
import { prng } from "../../support/fuzz.ts";
import { sdpOf } from "../../../bench/load/sdp.ts";

const scan = new FrameScan({ ...FRAME_LIMITS }, HOLLOW_FROM);
const hollow = new HollowParse(ClientMessage, [payloadWithinDepth]);

/** The exact way's verdict: the message, or null where it refuses the text. */
function exactly(text: string): Record<string, unknown> | null {
  if (scan.check(text) !== null) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (scan.repeated(text, value) !== null) return null;
  return ClientMessage.safeParse(value).success ? (value as Record<string, unknown>) : null;
}

/** The hollow way's verdict on the same text. */
function hollowly(text: string): Record<string, unknown> | null | "no spans" {
  if (scan.check(text) !== null) return null;
  if (scan.spans === 0) return "no spans";
  return (hollow.read(text, scan) as Record<string, unknown> | undefined) ?? null;
}

/** The exact value with each string the hollow one marks put back in place of the marker. */
function sameBut(marked: unknown, exact: unknown): boolean {
  if (marked === MARK) return typeof exact === "string" && exact.length >= 0;
  if (typeof marked !== "object" || marked === null) return Object.is(marked, exact);
  if (typeof exact !== "object" || exact === null || Array.isArray(marked) !== Array.isArray(exact)) return false;
  const keys = Object.keys(marked);
  if (keys.join() !== Object.keys(exact).join()) return false;
  return keys.every((k) => sameBut((marked as Record<string, unknown>)[k], (exact as Record<string, unknown>)[k]));
}

const long = (n: number) => sdpOf(n);
const candidate = (text: string) => ({ candidate: text, sdpMid: "0", sdpMLineIndex: 0, usernameFragment: "Xk3v" });

/** Valid frames with long strings, of every message kind that can have them. */
const VALID: unknown[] = [
  { type: "description", to: "Ab3dE6gH9jK1", link: 0, description: { type: "offer", sdp: long(2048) } },
  { type: "description", description: { type: "answer", sdp: long(HOLLOW_FROM) } },
  { type: "description", description: { type: "offer", sdp: "x".repeat(SDP_MAX) } },
  { type: "app", payload: { kind: "whiteboard", seq: 1, data: long(1024) } },
  { type: "app", to: "q", payload: long(900) },
  { type: "app", payload: [long(600), { a: [long(700), "short", long(800)] }, null, 3] },
  { type: "app", payload: Array.from({ length: MAX_SPANS + 3 }, (_, i) => long(520 + i)) },
  { type: "app", payload: { "ünï\u2028": "é\u{1F600}".repeat(300), "\u0000": long(600) } },
  { type: "candidate", link: 2, candidate: candidate(`candidate:1 1 udp 1 192.0.2.1 1 typ host ${"x".repeat(CANDIDATE_MAX - 44)}`) },
  { type: "join", room: "r", token: "e".repeat(2000) },
];

/** A copy of `text` with one thing changed, most often inside or at the edges of a long string. */
function mutate(text: string, rand: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const at = Math.floor(rand() * text.length);
  const put = (s: string) => text.slice(0, at) + s + text.slice(at);
  switch (Math.floor(rand() * 12)) {
    case 0:
      return put(pick(["\u0000", "\n", "\t", "\u001f", "\u007f", "\u2028"]));
    case 1:
      return put(pick(["\\x", "\\u12G4", "\\u00", "\\", "\\\\", "\\'", "\\/", "\\u0000", "\\uD800"]));
    case 2:
      return put('"');
    case 3:
      return put(pick([',"x":1', ',"type":"app"', ',"sdp":"a"', ',"payload":"\\u0000"', ',"to":"x"']));
    case 4:
      return text.slice(0, at);
    case 5:
      return text.slice(0, at) + text.slice(at + 1 + Math.floor(rand() * 8));
    case 6:
      // Around the SDP's bound, with escapes that make the text longer than what it holds.
      return text.replace(/"sdp":"[^"]*"/, `"sdp":"${pick(["x", "\\r\\n", "\\u0041"]).repeat(pick([SDP_MAX / 2, SDP_MAX / 4, SDP_MAX / 6 + 1]))}${pick(["", "x", "xx"])}"`);
    case 7:
      return text.replace(/"(offer|answer|description|app|candidate|join)"/, `"${pick(["\\u0000", "bogus", "rollback", "pranswer", "ping"])}"`);
    case 8:
      return put(pick(["[", "]", "{", "}", ":", " ", "1e400"]));
    case 9:
      return text.replace(/"to":"[^"]*"/, `"to":"${pick(["x".repeat(600), "a b", "\\u0000", ""])}"`);
    case 10:
      return text.replace(/\\r\\n/, pick(["\\r\\n\\u0000", "\\\\r", "\r\n", "\\r\\n\\\\"]));
    default:
      return put(`"${"y".repeat(HOLLOW_FROM + Math.floor(rand() * 4))}"`);
  }
}

describe("parse without the long strings", () => {
  test("takes every valid frame with long strings, as the message the exact way reads", () => {
    for (const v of VALID) {
      const text = JSON.stringify(v);
      const exact = exactly(text);
      const marked = hollowly(text);
      expect({ text: text.slice(0, 60), exact: exact !== null }).toEqual({ text: text.slice(0, 60), exact: true });
      expect({ text: text.slice(0, 60), taken: marked !== null && marked !== "no spans" }).toEqual({ text: text.slice(0, 60), taken: true });
      if (marked !== null && marked !== "no spans") {
        expect(sameBut(marked, exact)).toBe(true);
        expect(markCount(marked)).toBe(scan.spans);
      }
    }
  });

  test("what it takes of 30,000 seeded mutations, the exact way takes too, as the same message", () => {
    const rand = prng(21);
    let taken = 0;
    let refusedByBoth = 0;
    let leftToExact = 0;
    for (let i = 0; i < 30_000; i++) {
      let text = JSON.stringify(VALID[i % VALID.length]);
      for (let n = 1 + Math.floor(rand() * 2); n > 0; n--) text = mutate(text, rand);
      const exact = exactly(text);
      const marked = hollowly(text);
      if (marked === "no spans") continue;
      if (marked === null) {
        if (exact === null) refusedByBoth++;
        else leftToExact++;
        continue;
      }
      taken++;
      expect({ text, exact: exact !== null }).toEqual({ text, exact: true });
      expect({ text, same: sameBut(marked, exact) }).toEqual({ text, same: true });
    }
    // The mutations reach every side of the line.
    expect(taken).toBeGreaterThan(3_000);
    expect(refusedByBoth).toBeGreaterThan(3_000);
    expect(leftToExact).toBeGreaterThan(100);
  });

  test("lengths: a left-out string is held to the schema's bounds by what it may hold decoded", () => {
    const check = compileHollowCheck(z.strictObject({ s: z.string().check(z.minLength(100), z.maxLength(1000)) }), { marker: MARK, shapeOnly: new Set() });
    expect(check({ s: MARK }, 100, 1000)).toBe(true);
    expect(check({ s: MARK }, 99, 1000)).toBe(false);
    expect(check({ s: MARK }, 100, 1001)).toBe(false);
    // A marker where its characters would matter: a pattern, a literal, a refinement that reads them.
    const pattern = compileHollowCheck(z.strictObject({ s: z.string().check(z.regex(/^a*$/)) }), { marker: MARK, shapeOnly: new Set() });
    expect(pattern({ s: MARK }, 600, 600)).toBe(false);
    expect(pattern({ s: "aaa" }, 600, 600)).toBe(true);
    const reads = (v: unknown) => JSON.stringify(v).length < 10;
    expect(compileHollowCheck(z.unknown().check(z.refine(reads)), { marker: MARK, shapeOnly: new Set() })(MARK, 1, 1)).toBe(false);
    expect(compileHollowCheck(z.unknown().check(z.refine(reads)), { marker: MARK, shapeOnly: new Set([reads]) })(MARK, 1, 1)).toBe(true);
    expect(() => compileHollowCheck(z.literal(MARK), { marker: MARK, shapeOnly: new Set() })).toThrow(/marker/);
  });

  test("a marker of the client's own is not taken for a left-out string", () => {
    const schema = z.strictObject({ a: z.string().check(z.minLength(2)), b: z.string() });
    const parse = new HollowParse(schema, []);
    const read = (text: string) => (scan.check(text) === null ? parse.read(text, scan) : "scan");
    const b = "b".repeat(HOLLOW_FROM);
    expect(read(`{"a":"aa","b":"${b}"}`)).toEqual({ a: "aa", b: MARK });
    // "a" holds one character, which its schema refuses: the exact way must see it.
    expect(read(`{"a":"\\u0000","b":"${b}"}`)).toBeUndefined();
    expect(schema.safeParse({ a: MARK, b }).success).toBe(false);
  });
});

describe("frame scan: long strings", () => {
  const noted = (text: string) => {
    expect(scan.check(text)).toBeNull();
    return Array.from({ length: scan.spans }, (_, k) => text.slice(scan.spanStart[k], scan.spanEnd[k]));
  };
  const s = "a".repeat(HOLLOW_FROM);

  test("notes long string values, never keys, in the order of the text, at most MAX_SPANS", () => {
    expect(noted(`{"${s}":"${s}b","x":["${s}c",1,"short"]}`)).toEqual([`${s}b`, `${s}c`]);
    expect(noted(`{"a":"${s.slice(1)}"}`)).toEqual([]);
    expect(noted(`"${s}\\"\\\\"`)).toEqual([`${s}\\"\\\\`]);
    expect(noted(`[${Array.from({ length: MAX_SPANS + 2 }, () => `"${s}"`).join(",")}]`)).toHaveLength(MAX_SPANS);
  });

  test("a scan that stops early notes none", () => {
    expect(scan.check(`["${s}","${s}`)).toBeNull();
    expect(scan.spans).toBe(0);
    const few = new FrameScan({ maxDepth: 5, maxItems: 3 }, HOLLOW_FROM);
    expect(few.check(`["${s}",1,2,3]`)).toContain("more than 3");
    expect(few.spans).toBe(0);
  });
});
