/**
 * One pass over a frame's text before JSON.parse: how deep it nests, and how many JSON
 * values and keys it holds. JSON.parse's work grows with both, so frames past their limits
 * are refused before it runs. The keys are counted apart too, to find an object that
 * repeats a key once the frame is parsed: such a frame is refused because JSON.parse keeps
 * only the last copy while the relay forwards the text as it came, so the earlier copies
 * would reach the room unchecked.
 *
 * The scan leaves the syntax to JSON.parse: on text that is not JSON it may let anything
 * through, and JSON.parse then refuses it.
 *
 * It also notes where the frame's long string values are, for the relay's parse that leaves
 * them out (src/server/signaling/hollow-parse.ts).
 */
import { PAYLOAD_MAX_DEPTH } from "../../shared/protocol.ts";

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const SPACE = 0x20;

export interface ScanLimits {
  /** Levels of arrays and objects, the message object itself being the first. */
  maxDepth: number;
  /** JSON values (objects, arrays, strings, numbers, true, false, null) and keys in the whole frame. */
  maxItems: number;
}

/**
 * The protocol's limits (docs/protocol.md, "Shape"): the message object and 32 levels of
 * payload below it; 4,096 values and keys, since parsing and checking cost about as much
 * per value as per 16 bytes of text, and an app payload that needs more is better split.
 */
export const FRAME_LIMITS: ScanLimits = { maxDepth: PAYLOAD_MAX_DEPTH + 1, maxItems: 4096 };

/** The long string values a scan notes, at most: a frame of more keeps the rest in the text. */
export const MAX_SPANS = 8;

/**
 * Reused from frame to frame (the handler is synchronous), so that a scan allocates
 * nothing. Repeated keys are found by counting: the scan counts the keys in the text, and
 * JSON.parse keeps one of each per object, so a parsed value with fewer keys (`keyCount`)
 * came from a text that repeated one. Only then is the text walked again to name the key.
 */
export class FrameScan {
  /** The values and keys found by the last scan (so far, if it stopped early). */
  items = 0;
  /** The keys among them. */
  keys = 0;
  /**
   * The long string values (not keys) of the last scan that stopped at nothing, up to
   * MAX_SPANS, in the order of the text: where each one's characters begin and end, its
   * quotes left out.
   */
  spans = 0;
  readonly spanStart = new Int32Array(MAX_SPANS);
  readonly spanEnd = new Int32Array(MAX_SPANS);
  private readonly isObject: boolean[] = [];

  /** `longString`: the characters between its quotes from which a string value is noted. */
  constructor(
    private readonly limits: ScanLimits,
    private readonly longString = Number.POSITIVE_INFINITY,
  ) {
    for (let d = 0; d <= limits.maxDepth; d++) this.isObject.push(false);
  }

  /** Null when `text` is within the limits; otherwise why not, as a sentence. */
  check(text: string): string | null {
    const { maxDepth, maxItems } = this.limits;
    const n = text.length;
    let depth = 0;
    let items = 0;
    let keys = 0;
    let spans = 0;
    let expectKey = false;
    let i = 0;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c <= SPACE || c === COLON) {
        i++;
      } else if (c === QUOTE) {
        if (++items > maxItems) break;
        const isKey = expectKey;
        if (isKey) {
          keys++;
          expectKey = false;
        }
        // Strings may be long (an SDP): jump from quote to quote.
        const j = closingQuote(text, i);
        if (j < 0) break;
        if (!isKey && j - i - 1 >= this.longString && spans < MAX_SPANS) {
          this.spanStart[spans] = i + 1;
          this.spanEnd[spans++] = j;
        }
        i = j + 1;
      } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        if (++items > maxItems) break;
        if (++depth > maxDepth) {
          this.done(items, keys, 0);
          return `The frame nests deeper than ${maxDepth - 1} levels of arrays and objects inside the message.`;
        }
        const object = c === OPEN_BRACE;
        this.isObject[depth] = object;
        expectKey = object;
        i++;
      } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        if (--depth < 0) break;
        expectKey = false;
        i++;
      } else if (c === COMMA) {
        expectKey = depth > 0 && this.isObject[depth]!;
        i++;
      } else {
        // A number, true, false or null: up to the next delimiter.
        if (++items > maxItems) break;
        i++;
        while (i < n) {
          const k = text.charCodeAt(i);
          if (k <= SPACE || k === COMMA || k === CLOSE_BRACKET || k === CLOSE_BRACE || k === QUOTE || k === COLON || k === OPEN_BRACE || k === OPEN_BRACKET) break;
          i++;
        }
      }
    }
    // A scan that stopped early (a limit, a string left open) notes no spans.
    const whole = i >= n && items <= maxItems;
    this.done(items, keys, whole ? spans : 0);
    if (items > maxItems) return `The frame holds more than ${maxItems} JSON values and keys.`;
    return null;
  }

  /**
   * After JSON.parse of the text just scanned: null when `value` kept every key the text
   * has, else the sentence naming the key the text repeats in one object.
   */
  repeated(text: string, value: unknown): string | null {
    if (keyCount(value) === this.keys) return null;
    const key = repeatedKey(text);
    return `Key ${shown(key ?? '""')} appears twice in one object; a key may appear once.`;
  }

  private done(items: number, keys: number, spans: number): void {
    this.items = items;
    this.keys = keys;
    this.spans = spans;
  }
}

/** The keys of every object in a parsed JSON value. */
export function keyCount(value: unknown): number {
  if (typeof value !== "object" || value === null) return 0;
  let n = 0;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) n += keyCount(value[i]);
    return n;
  }
  for (const k in value) n += 1 + keyCount((value as Record<string, unknown>)[k]);
  return n;
}

/**
 * The first key of valid JSON `text` that an object repeats, as written; null if none.
 * The slow way (a set of decoded keys per open object), for the frames found to repeat one.
 */
export function repeatedKey(text: string): string | null {
  const open: (Set<string> | null)[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const j = closingQuote(text, i);
      if (j < 0) return null;
      if (expectKey) {
        const literal = text.slice(i, j + 1);
        const keys = open.at(-1)!;
        const key = JSON.parse(literal) as string;
        if (keys.has(key)) return literal;
        keys.add(key);
        expectKey = false;
      }
      i = j;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      open.push(c === OPEN_BRACE ? new Set() : null);
      expectKey = c === OPEN_BRACE;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      open.pop();
      expectKey = false;
    } else if (c === COMMA) {
      expectKey = open.at(-1) != null;
    }
  }
  return null;
}

/** Where the string that opens at text[start] closes (its quote), or -1. */
function closingQuote(text: string, start: number): number {
  let j = text.indexOf('"', start + 1);
  while (j > 0 && isEscaped(text, j)) j = text.indexOf('"', j + 1);
  return j;
}

/** A quote preceded by an odd number of backslashes is part of the string. */
function isEscaped(text: string, at: number): boolean {
  let k = at - 1;
  while (text.charCodeAt(k) === BACKSLASH) k--;
  return (at - 1 - k) % 2 === 1;
}

/** A key as the person who sent it wrote it, shortened. */
function shown(literal: string): string {
  return literal.length > 40 ? `${literal.slice(0, 36)}…"` : literal;
}
