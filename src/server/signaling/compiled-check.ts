/**
 * A yes/no check compiled from a zod schema, for the relay's hot path: zod's own parse
 * builds a result and a copy of every object, which costs more than the rest of a relayed
 * candidate's JavaScript together (about 2.5 µs of its 3). The check is derived from the
 * schema's definition, so the protocol stays defined once; it takes exactly what the schema
 * takes for the constructs it knows, and refuses to compile anything else (a transform,
 * a default, a non-strict object), so it can never pass what the schema would reshape or
 * strip. A value it refuses goes to zod for the error sentence.
 *
 * The schema becomes the source of one function, straight-line code per message type,
 * rather than a tree of small closures: the relay runs in short bursts between other
 * processes' work, and one function that inlines everything stays cheap even when its
 * caches are cold. The source holds only the schema's keys and literals (as JSON) and
 * refers to its regular expressions and refinements by index.
 */
export type Check = (value: unknown) => boolean;
/**
 * The check of a value parsed with its long strings left out as a marker (hollow-parse.ts):
 * `shortest` and `longest` bound how long those strings are. Yes only where the schema
 * takes the value with any strings of such lengths in the marked places.
 */
export type HollowCheck = (value: unknown, shortest: number, longest: number) => boolean;

export interface HollowOptions {
  /** The string that stands for a left-out string. */
  marker: string;
  /**
   * Refinements (z.refine's functions) on an object, array or z.unknown() whose verdict
   * depends on the value's shape alone, never on what its strings say: they run on the
   * marked value as they are. Any other refinement there makes the check say no.
   */
  shapeOnly: ReadonlySet<unknown>;
}

/** Zod 4's definition objects, as far as the check reads them. */
interface Def {
  type: string;
  checks?: { _zod: { def: CheckDef } }[];
  [key: string]: unknown;
}
interface CheckDef {
  check: string;
  [key: string]: unknown;
}

/** A zod 4 schema (classic or mini), as far as the check reads it. */
interface Schema {
  _zod: { def: Def; optin?: "optional" };
}

/** Compiles `schema`; throws on a construct it does not know. */
export function compileCheck(schema: { _zod: { def: unknown } }): Check {
  return compile(schema, null) as Check;
}

/** Compiles `schema` for values with marked strings; throws on a construct it does not know. */
export function compileHollowCheck(schema: { _zod: { def: unknown } }, options: HollowOptions): HollowCheck {
  return compile(schema, options) as HollowCheck;
}

function compile(schema: { _zod: { def: unknown } }, hollow: HollowOptions | null): Check | HollowCheck {
  const out = new Emitter(hollow);
  out.schema(schema as Schema, "v");
  const name = hollow === null ? "schemaCheck" : "hollowCheck";
  const source = `"use strict";\nreturn function ${name}(v, shortest, longest) {\n${out.lines.join("\n")}\nreturn true;\n};`;
  return new Function("K", "hasOwn", "isObject", source)(out.constants, Object.hasOwn, isObject) as Check;
}

/** What a JSON object is to zod: an object, not null, not an array. */
function isObject(v: unknown): boolean {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A key or literal value (a string, number, boolean or null) as source text. */
const literal = (x: unknown) => JSON.stringify(x);

/**
 * Writes statements that `return false` as soon as the value named by an expression fails,
 * and fall through when it passes.
 */
class Emitter {
  readonly lines: string[] = [];
  /** Regular expressions and refinement functions, referred to as K[i]. */
  readonly constants: unknown[] = [];
  private names = 0;

  constructor(private readonly hollow: HollowOptions | null) {}

  schema(schema: Schema, x: string): void {
    const def = schema._zod.def;
    this.type(def, x);
    const checks = def.checks ?? [];
    if (this.hollow !== null && def.type === "string" && checks.length > 0) {
      // A marker holds a string of `shortest` to `longest` characters: only its length is known.
      this.lines.push(`if (${x} === ${literal(this.hollow.marker)}) {`);
      for (const c of checks) this.markedString(c._zod.def);
      this.lines.push("} else {");
      for (const c of checks) this.refinement(def.type, c._zod.def, x);
      this.lines.push("}");
      return;
    }
    for (const c of checks) this.refinement(def.type, c._zod.def, x);
  }

  /** A string refinement, for a string left out of the parse. */
  private markedString(c: CheckDef): void {
    if (c.check === "max_length") return this.fail(`longest > ${Number(c.maximum)}`);
    if (c.check === "min_length") return this.fail(`shortest < ${Number(c.minimum)}`);
    // A pattern or a predicate needs the characters themselves.
    return this.fail("true");
  }

  private fail(condition: string): void {
    this.lines.push(`if (${condition}) return false;`);
  }

  private name(): string {
    return `x${this.names++}`;
  }

  private constant(value: unknown): string {
    this.constants.push(value);
    return `K[${this.constants.length - 1}]`;
  }

  private type(def: Def, x: string): void {
    // z.coerce.*: the schema would take what it can convert.
    if (def.coerce) throw new Error("compileCheck: coercion");
    switch (def.type) {
      case "string":
        return this.fail(`typeof ${x} !== "string"`);
      case "boolean":
        return this.fail(`typeof ${x} !== "boolean"`);
      case "unknown":
        return;
      case "number":
        // z.int(): a number of the "safeint" format; plain z.number() refuses NaN and ±Infinity.
        if (def.format !== undefined && def.format !== "safeint") throw new Error(`compileCheck: number format ${String(def.format)}`);
        return this.fail(def.format === "safeint" ? `!Number.isSafeInteger(${x})` : `typeof ${x} !== "number" || !Number.isFinite(${x})`);
      case "literal":
      case "enum": {
        const values = def.type === "literal" ? (def.values as unknown[]) : Object.values(def.entries as Record<string, unknown>);
        if (!values.every((v) => v === null || ["string", "number", "boolean"].includes(typeof v))) throw new Error(`compileCheck: ${def.type} of an odd value`);
        // JSON has no NaN, and Number.isFinite keeps it out of the source.
        if (values.some((v) => typeof v === "number" && !Number.isFinite(v))) throw new Error(`compileCheck: ${def.type} of an odd value`);
        // The marker would pass for a string it is not.
        if (this.hollow !== null && values.includes(this.hollow.marker)) throw new Error(`compileCheck: ${def.type} of the marker`);
        return this.fail(values.length === 0 ? "true" : values.map((v) => `${x} !== ${literal(v)}`).join(" && "));
      }
      case "optional":
      case "nullable": {
        const empty = def.type === "optional" ? "undefined" : "null";
        const inner = def.innerType as Schema;
        this.lines.push(`if (${x} !== ${empty}) {`);
        this.schema(inner, x);
        this.lines.push("}");
        return;
      }
      case "object":
        return this.object(def, x);
      case "union":
        return this.union(def, x);
      default:
        throw new Error(`compileCheck: no check for zod type "${def.type}"`);
    }
  }

  /** Strict objects only: a key the shape does not name is refused, as zod refuses it. */
  private object(def: Def, x: string): void {
    const catchall = def.catchall as Schema | undefined;
    if (catchall?._zod.def.type !== "never") throw new Error("compileCheck: only strict objects (unknown keys would be stripped, not refused)");
    const shape = def.shape as Record<string, Schema>;
    const keys = Object.keys(shape);
    this.fail(`!isObject(${x})`);
    for (const key of keys) {
      const k = literal(key);
      const value = this.name();
      this.lines.push(`{ const ${value} = ${x}[${k}];`);
      // As zod has it: a key may be missing only where its schema is optional (z.unknown() is not).
      const mayBeMissing = shape[key]!._zod.optin === "optional";
      this.lines.push(`if (${value} === undefined && !hasOwn(${x}, ${k})) { ${mayBeMissing ? "" : "return false;"} } else {`);
      this.schema(shape[key]!, value);
      this.lines.push("} }");
    }
    const each = this.name();
    const known = keys.length === 0 ? "" : `${keys.map((key) => `case ${literal(key)}:`).join(" ")} break;`;
    this.lines.push(`for (const ${each} in ${x}) { switch (${each}) { ${known} default: if (hasOwn(${x}, ${each})) return false; } }`);
  }

  /** A discriminated union: the option named by the discriminator's literal value decides. */
  private union(def: Def, x: string): void {
    const key = def.discriminator as string | undefined;
    if (key === undefined) throw new Error("compileCheck: only discriminated unions");
    const seen = new Set<unknown>();
    const cases: { values: unknown[]; option: Schema }[] = [];
    for (const option of def.options as Schema[]) {
      const tag = (option._zod.def.shape as Record<string, Schema> | undefined)?.[key]?._zod.def;
      if (tag?.type !== "literal") throw new Error("compileCheck: a union option without a literal discriminator");
      // As a lookup by value would have it: the first option naming a value takes it.
      const values = (tag.values as unknown[]).filter((v) => !seen.has(v));
      for (const v of values) seen.add(v);
      if (values.length > 0) cases.push({ values, option });
    }
    this.fail(`!isObject(${x})`);
    this.lines.push(`switch (${x}[${literal(key)}]) {`);
    for (const { values, option } of cases) {
      this.lines.push(`${values.map((v) => `case ${literal(v)}:`).join(" ")} {`);
      this.schema(option, x);
      this.lines.push("break; }");
    }
    this.lines.push("default: return false;\n}");
  }

  private refinement(type: string, c: CheckDef, x: string): void {
    switch (c.check) {
      case "min_length":
        return this.fail(`${x}.length < ${Number(c.minimum)}`);
      case "max_length":
        return this.fail(`${x}.length > ${Number(c.maximum)}`);
      case "string_format": {
        const pattern = c.pattern as RegExp | undefined;
        if (c.format !== "regex" || !pattern || pattern.global || pattern.sticky) throw new Error(`compileCheck: string format ${String(c.format)}`);
        return this.fail(`!${this.constant(pattern)}.test(${x})`);
      }
      case "greater_than":
      case "less_than": {
        const bound = c.value as number;
        if (typeof bound !== "number" || Number.isNaN(bound)) throw new Error(`compileCheck: ${c.check} of an odd bound`);
        const op = c.check === "greater_than" ? (c.inclusive ? "<" : "<=") : c.inclusive ? ">" : ">=";
        return this.fail(`${x} ${op} ${this.constant(bound)}`);
      }
      case "number_format":
        // z.int()'s own check, already made by its type.
        if (c.format !== "safeint") throw new Error(`compileCheck: number format ${String(c.format)}`);
        return this.fail(`!Number.isSafeInteger(${x})`);
      case "custom": {
        // .refine(fn): synchronous predicates only (an async one would need parseAsync).
        if (c.when !== undefined) throw new Error("compileCheck: a refinement with a condition");
        // On a value that may hold markers, only a refinement that reads no string may run.
        if (this.hollow !== null && type !== "string" && !this.hollow.shapeOnly.has(c.fn)) return this.fail("true");
        const fn = this.constant(c.fn);
        const ok = this.name();
        this.lines.push(`{ const ${ok} = ${fn}(${x});`);
        this.lines.push(`if (${ok} instanceof Promise) throw new Error("compileCheck: an asynchronous refinement");`);
        this.lines.push(`if (!${ok}) return false; }`);
        return;
      }
      default:
        throw new Error(`compileCheck: no check for "${c.check}" on ${type}`);
    }
  }
}
