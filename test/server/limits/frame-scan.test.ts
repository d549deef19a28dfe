import { describe, expect, test } from "bun:test";
import { FrameScan, keyCount, repeatedKey } from "../../../src/server/limits/frame-scan.ts";
import { prng } from "../../support/fuzz.ts";

const scan = new FrameScan({ maxDepth: 5, maxItems: 50 });

/** Values and keys of a parsed value, the way the scan counts them. */
function items(v: unknown): number {
  if (Array.isArray(v)) return 1 + v.reduce((n: number, x) => n + items(x), 0);
  if (typeof v === "object" && v !== null) return 1 + Object.values(v).reduce((n: number, x) => n + 1 + items(x), 0);
  return 1;
}

describe("frame scan", () => {
  test("counts values and keys, and measures depth", () => {
    expect(scan.check(`{"type":"app","payload":[1,"two",true,null,{"a":-1.5e3}]}`)).toBeNull();
    expect(scan.items).toBe(items({ type: "app", payload: [1, "two", true, null, { a: -1.5e3 }] }));
    expect(scan.check("[[[[[1]]]]]")).toBeNull();
    expect(scan.check("[[[[[[1]]]]]]")).toContain("deeper than 4 levels");
    expect(scan.check(`[${Array(49).fill(0).join(",")}]`)).toBeNull();
    expect(scan.check(`[${Array(50).fill(0).join(",")}]`)).toContain("more than 50 JSON values and keys");
  });

  test("strings may hold anything: quotes, brackets, braces and commas inside them are not structure", () => {
    const text = JSON.stringify({ "a\"{[": "}],\\\"", b: ["\\", "\"", "{\"a\":1,\"a\":2}"] });
    expect(scan.check(text)).toBeNull();
    expect(scan.items).toBe(items(JSON.parse(text)));
    expect(scan.check(`["\\\\\\"[[[[[[[["]`)).toBeNull();
  });

  test("repeated keys are found however they are spelt, and only within one object", () => {
    const repeated = (text: string, within = scan) => {
      expect(within.check(text)).toBeNull();
      return within.repeated(text, JSON.parse(text));
    };
    expect(repeated(`{"a":1,"a":2}`)).toContain(`Key "a" appears twice`);
    expect(repeated(`{"a":1,"\\u0061":2}`)).toContain("appears twice");
    expect(repeated(`{"\\"":1,"\\u0022":2}`)).toContain("appears twice");
    expect(repeated(`{"__proto__":1,"__proto__":2}`)).toContain(`Key "__proto__" appears twice`);
    expect(repeated(`{"a":{"a":{"a":1}},"b":[{"a":1},{"a":2}]}`)).toBeNull();
    expect(repeated(`{"ab":1,"ba":2,"a":3,"b":4,"A":5}`)).toBeNull();
    expect(repeated(`{"a":"{\\"a\\":1,\\"a\\":2}","b":["a","a"]}`)).toBeNull();
    // Past a handful of keys: still found, wherever the repeat is.
    const many = new FrameScan({ maxDepth: 5, maxItems: 20_000 });
    const keys = Array.from({ length: 3000 }, (_, i) => `"k${i}":0`);
    expect(repeated(`{${keys.join(",")}}`, many)).toBeNull();
    expect(repeated(`{${keys.join(",")},"k1234":1}`, many)).toContain(`"k1234" appears twice`);
    expect(repeated(`{"x":[{},{"y":{"k":1,"k":2}}]}`, many)).toContain(`"k" appears twice`);
    // A repeat in an object already closed does not count against a later one.
    expect(repeated(`[{${keys.join(",")}},{${keys.join(",")}}]`, many)).toBeNull();
  });

  test("the slow walk that names a repeated key agrees with the count on generated objects", () => {
    const rand = prng(29);
    for (let i = 0; i < 300; i++) {
      const n = 1 + Math.floor(rand() * 6);
      const names = Array.from({ length: n }, () => JSON.stringify(`k${Math.floor(rand() * 6)}`));
      const text = `{"type":"app","payload":{${names.map((k, j) => `${k}:${j}`).join(",")}}}`;
      const twice = names.find((k, j) => names.indexOf(k) !== j);
      expect(scan.check(text)).toBeNull();
      expect(keyCount(JSON.parse(text)) === scan.keys).toBe(twice === undefined);
      expect(repeatedKey(text)).toBe(twice ?? null);
    }
  });

  test("agrees with JSON.parse on generated JSON", () => {
    const rand = prng(17);
    const many = new FrameScan({ maxDepth: 12, maxItems: 100_000 });
    const str = () => ['""', '"a"', '"\\"{"', '"\\u00e9\\n"', '"},["', '"\\\\"'][Math.floor(rand() * 6)]!;
    const gen = (depth: number): string => {
      const r = rand();
      if (depth > 8 || r < 0.4) return [str(), "0", "-12.5e-3", "true", "false", "null"][Math.floor(rand() * 6)]!;
      const n = Math.floor(rand() * 5);
      if (r < 0.7) return `[${Array.from({ length: n }, () => gen(depth + 1)).join(" , ")}]`;
      const keys = new Set<string>();
      while (keys.size < n) keys.add(JSON.stringify(`k${Math.floor(rand() * 20)}`));
      return `{ ${[...keys].map((k) => `${k}:${gen(depth + 1)}`).join(",")} }`;
    };
    for (let i = 0; i < 500; i++) {
      const text = gen(0);
      expect(many.check(text)).toBeNull();
      expect(many.items).toBe(items(JSON.parse(text)));
      expect(many.keys).toBe(keyCount(JSON.parse(text)));
    }
  });

  test("a string's end is found wherever its escapes fall, in short strings and long ones", () => {
    for (let length = 30; length <= 70; length++) {
      for (let at = 0; at < length; at++) {
        for (const escape of ["\\", '"', "\\\"", "é"]) {
          const value = "x".repeat(at) + escape + "y".repeat(length - at);
          const text = JSON.stringify({ [value]: [value, 1], k: { [value]: value } });
          expect(scan.check(text)).toBeNull();
          expect(scan.items).toBe(items(JSON.parse(text)));
          expect(scan.keys).toBe(keyCount(JSON.parse(text)));
          expect(repeatedKey(text)).toBeNull();
        }
      }
    }
  });

  test("text that is not JSON is left to JSON.parse", () => {
    for (const text of ["{", "]]]", `{"a`, `"unterminated`, `{"\\x":1}`, "nope"]) expect(scan.check(text)).toBeNull();
  });
});
