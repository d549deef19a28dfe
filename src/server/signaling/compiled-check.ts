/**
 * A yes/no check compiled from a zod schema, for the relay's hot path: zod's own parse
 * builds a result and a copy of every object, which costs more than the rest of a relayed
 * candidate's JavaScript together (about 2.5 µs of its 3). The check is derived from the
 * schema's definition, so the protocol stays defined once; it takes exactly what the schema
 * takes for the constructs it knows, and refuses to compile anything else (a transform,
 * a default, a non-strict object), so it can never pass what the schema would reshape or
 * strip. A value it refuses goes to zod for the error sentence.
 */
export type Check = (value: unknown) => boolean;

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

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** A zod 4 schema (classic or mini), as far as the check reads it. */
interface Schema {
  _zod: { def: Def; optin?: "optional" };
}

/** Compiles `schema`; throws on a construct it does not know. */
export function compileCheck(schema: { _zod: { def: unknown } }): Check {
  return compile(schema as Schema);
}

function compile(schema: Schema): Check {
  const def = schema._zod.def;
  const base = compileType(def);
  const refinements = (def.checks ?? []).map((c) => compileRefinement(def.type, c._zod.def));
  if (refinements.length === 0) return base;
  return (v) => {
    if (!base(v)) return false;
    for (const r of refinements) if (!r(v)) return false;
    return true;
  };
}

function compileType(def: Def): Check {
  // z.coerce.*: the schema would take what it can convert.
  if (def.coerce) throw new Error("compileCheck: coercion");
  switch (def.type) {
    case "string":
      return (v) => typeof v === "string";
    case "boolean":
      return (v) => typeof v === "boolean";
    case "unknown":
      return () => true;
    case "number": {
      // z.int(): a number of the "safeint" format; plain z.number() refuses NaN and ±Infinity.
      if (def.format !== undefined && def.format !== "safeint") throw new Error(`compileCheck: number format ${String(def.format)}`);
      return def.format === "safeint" ? (v) => Number.isSafeInteger(v) : (v) => typeof v === "number" && Number.isFinite(v);
    }
    case "literal": {
      const values = def.values as unknown[];
      if (!values.every((x) => x === null || ["string", "number", "boolean"].includes(typeof x))) throw new Error("compileCheck: literal of an odd value");
      return values.length === 1 ? (v) => v === values[0] : (v) => values.includes(v);
    }
    case "enum": {
      const values = Object.values(def.entries as Record<string, unknown>);
      return (v) => values.includes(v);
    }
    case "optional": {
      const inner = compile(def.innerType as Schema);
      return (v) => v === undefined || inner(v);
    }
    case "nullable": {
      const inner = compile(def.innerType as Schema);
      return (v) => v === null || inner(v);
    }
    case "object":
      return compileObject(def);
    case "union":
      return compileUnion(def);
    default:
      throw new Error(`compileCheck: no check for zod type "${def.type}"`);
  }
}

/** Strict objects only: a key the shape does not name is refused, as zod refuses it. */
function compileObject(def: Def): Check {
  const catchall = def.catchall as Schema | undefined;
  if (catchall?._zod.def.type !== "never") throw new Error("compileCheck: only strict objects (unknown keys would be stripped, not refused)");
  const shape = def.shape as Record<string, Schema>;
  const keys = Object.keys(shape);
  const checks = keys.map((k) => compile(shape[k]!));
  // As zod has it: a key may be missing only where its schema is optional (z.unknown() is not).
  const mayBeMissing = keys.map((k) => shape[k]!._zod.optin === "optional");
  const known = new Set(keys);
  return (v) => {
    if (!isObject(v)) return false;
    for (let i = 0; i < keys.length; i++) {
      const value = v[keys[i]!];
      if (value === undefined && !Object.hasOwn(v, keys[i]!)) {
        if (!mayBeMissing[i]) return false;
      } else if (!checks[i]!(value)) return false;
    }
    for (const k in v) if (!known.has(k) && Object.hasOwn(v, k)) return false;
    return true;
  };
}

/** A discriminated union: the option named by the discriminator's literal value decides. */
function compileUnion(def: Def): Check {
  const key = def.discriminator as string | undefined;
  if (key === undefined) throw new Error("compileCheck: only discriminated unions");
  const byValue = new Map<unknown, Check>();
  for (const option of def.options as Schema[]) {
    const tag = (option._zod.def.shape as Record<string, Schema> | undefined)?.[key]?._zod.def;
    if (tag?.type !== "literal") throw new Error("compileCheck: a union option without a literal discriminator");
    const check = compile(option);
    for (const value of tag.values as unknown[]) byValue.set(value, check);
  }
  return (v) => {
    if (!isObject(v)) return false;
    const check = byValue.get(v[key]);
    return check !== undefined && check(v);
  };
}

function compileRefinement(type: string, c: CheckDef): Check {
  switch (c.check) {
    case "min_length": {
      const min = c.minimum as number;
      return (v) => (v as string).length >= min;
    }
    case "max_length": {
      const max = c.maximum as number;
      return (v) => (v as string).length <= max;
    }
    case "string_format": {
      const pattern = c.pattern as RegExp | undefined;
      if (c.format !== "regex" || !pattern || pattern.global || pattern.sticky) throw new Error(`compileCheck: string format ${String(c.format)}`);
      return (v) => pattern.test(v as string);
    }
    case "greater_than": {
      const bound = c.value as number;
      return c.inclusive ? (v) => (v as number) >= bound : (v) => (v as number) > bound;
    }
    case "less_than": {
      const bound = c.value as number;
      return c.inclusive ? (v) => (v as number) <= bound : (v) => (v as number) < bound;
    }
    case "number_format":
      // z.int()'s own check, already made by its type.
      if (c.format !== "safeint") throw new Error(`compileCheck: number format ${String(c.format)}`);
      return (v) => Number.isSafeInteger(v);
    case "custom": {
      // .refine(fn): synchronous predicates only (an async one would need parseAsync).
      const fn = c.fn as (v: unknown) => unknown;
      if (c.when !== undefined) throw new Error("compileCheck: a refinement with a condition");
      return (v) => {
        const ok = fn(v);
        if (ok instanceof Promise) throw new Error("compileCheck: an asynchronous refinement");
        return Boolean(ok);
      };
    }
    default:
      throw new Error(`compileCheck: no check for "${c.check}" on ${type}`);
  }
}
