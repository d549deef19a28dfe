/**
 * Parsing a frame to be relayed without decoding its long strings. The relay reads a
 * description's `type`, `to` and `link`, never its SDP: it forwards the frame as it came.
 * Yet JSON.parse spends most of a description's parse on the SDP (each CRLF is an escape
 * to decode), about four times what it takes to check that the same characters make a
 * well-formed JSON string. So each long string value the frame scan noted is checked so,
 * and parsed as a one-character marker instead; the schema's check, compiled to know the
 * marker (compiled-check.ts, `hollow`), takes it wherever any string of that length would
 * do, and refuses it wherever the string's content would matter.
 *
 * This path only ever accepts: whatever it cannot vouch for goes the exact way (JSON.parse
 * of the whole text and the schema's check), which also gives the error.
 */
import { type FrameScan, keyCount } from "../limits/frame-scan.ts";
import { compileHollowCheck, type HollowCheck } from "./compiled-check.ts";

/** What a left-out string becomes: U+0000, which a client could send too (see `markCount`). */
export const MARK = "\u0000";
const MARK_LITERAL = "\\u0000";

/**
 * What JSON refuses inside a string: a control character as it is, or a backslash that
 * begins no escape JSON has. (A quote as it is ends the string, so a span has none.)
 */
const NOT_JSON_STRING = /[\u0000-\u001f]|\\(?!["\\/bfnrt]|u[0-9a-fA-F]{4})/;

/** From this many characters between its quotes, a string value is left out of the parse. */
export const HOLLOW_FROM = 512;

/** Reused from frame to frame, like the scan. */
export class HollowParse {
  private readonly check: HollowCheck;
  /** Fewest and most characters a left-out string of the last parse can hold, decoded. */
  private shortest = 0;
  private longest = 0;

  /** `shapeOnly`: the schema's refinements that read no string (compiled-check.ts). */
  constructor(schema: { _zod: { def: unknown } }, shapeOnly: readonly unknown[]) {
    this.check = compileHollowCheck(schema, { marker: MARK, shapeOnly: new Set(shapeOnly) });
  }

  /**
   * The value of `text` (which `scan` just scanned), parsed with the long strings the scan
   * noted left out, when the schema takes it with them; undefined when not, or when it
   * cannot tell: the exact way then decides.
   */
  read(text: string, scan: FrameScan): unknown {
    const value = this.parse(text, scan);
    if (value === undefined) return undefined;
    // A key repeated in the text, or a marker of the client's own: the exact way tells.
    if (keyCount(value) !== scan.keys || markCount(value) !== scan.spans) return undefined;
    return this.check(value, this.shortest, this.longest) ? value : undefined;
  }

  /** The value with the noted strings as MARK; undefined when one is not a JSON string, or the rest is not JSON. */
  private parse(text: string, scan: FrameScan): unknown {
    let hollow = "";
    let from = 0;
    let fewest = Number.POSITIVE_INFINITY;
    let most = 0;
    for (let k = 0; k < scan.spans; k++) {
      const start = scan.spanStart[k]!;
      const end = scan.spanEnd[k]!;
      if (NOT_JSON_STRING.test(text.slice(start, end))) return undefined;
      hollow += text.slice(from, start) + MARK_LITERAL;
      from = end;
      fewest = Math.min(fewest, end - start);
      most = Math.max(most, end - start);
    }
    // An escape is 2 to 6 characters for one: decoded, a string is at least a sixth as long.
    this.shortest = Math.ceil(fewest / 6);
    this.longest = most;
    try {
      return JSON.parse(hollow + text.slice(from));
    } catch {
      return undefined;
    }
  }
}

/**
 * How many strings in a parsed value are MARK. Equal to the spans left out, every marker
 * is one of them; more, and the client sent one of its own, which the exact path then reads.
 */
export function markCount(value: unknown): number {
  if (value === MARK) return 1;
  if (typeof value !== "object" || value === null) return 0;
  let n = 0;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) n += markCount(value[i]);
    return n;
  }
  for (const k in value) n += markCount((value as Record<string, unknown>)[k]);
  return n;
}
