/**
 * One pass over a frame's text before JSON.parse: how deep it nests, how many JSON values
 * and keys it holds, and whether an object repeats a key. JSON.parse's work grows with
 * the first two, so frames past their limits are refused before it runs. A repeated key
 * is refused because JSON.parse keeps only its last copy while the relay forwards the text
 * as it came: the earlier copies would reach the room unchecked.
 *
 * The scan leaves the syntax to JSON.parse: on text that is not JSON it may let anything
 * through, and JSON.parse then refuses it.
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

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

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

/**
 * Reused from frame to frame (the handler is synchronous), so that a scan allocates
 * nothing. Keys are compared where they stand in the text, through a hash table of their
 * positions that every object of every frame shares: a slot belongs to the object whose
 * serial number it holds, and serials only grow, so nothing needs clearing between frames.
 */
export class FrameScan {
  /** The values and keys found by the last scan (so far, if it stopped early). */
  items = 0;
  private readonly isObject: boolean[] = [];
  /** Per level: the serial of the object open there. */
  private readonly objectAt: number[] = [];
  private serial = 0;
  /** The first serial of the frame being scanned: older slots are free. */
  private firstOfFrame = 1;
  private readonly mask: number;
  private readonly owner: Float64Array;
  private readonly hashes: Int32Array;
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;

  constructor(private readonly limits: ScanLimits) {
    for (let d = 0; d <= limits.maxDepth; d++) {
      this.isObject.push(false);
      this.objectAt.push(0);
    }
    // At least twice as many slots as a frame may hold keys: probes stay short.
    let size = 16;
    while (size < 2 * limits.maxItems) size *= 2;
    this.mask = size - 1;
    this.owner = new Float64Array(size);
    this.hashes = new Int32Array(size);
    this.starts = new Int32Array(size);
    this.ends = new Int32Array(size);
  }

  /** Null when `text` is within the limits and repeats no key; otherwise why not, as a sentence. */
  check(text: string): string | null {
    const { maxDepth, maxItems } = this.limits;
    const n = text.length;
    let depth = 0;
    let items = 0;
    let expectKey = false;
    let i = 0;
    this.firstOfFrame = this.serial + 1;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c <= SPACE || c === COLON) {
        i++;
      } else if (c === QUOTE) {
        if (++items > maxItems) break;
        if (expectKey) {
          // Walk the key, hashing what it decodes to (an escaped letter is that letter).
          let j = i + 1;
          let h = FNV_OFFSET;
          while (j < n) {
            let u = text.charCodeAt(j);
            if (u === QUOTE) break;
            if (u === BACKSLASH) {
              u = readEscape(text, j);
              j = escapeEnd;
              // Not JSON: JSON.parse will say so.
              if (u < 0) return this.stop(items);
            } else {
              j++;
            }
            h = Math.imul(h ^ u, FNV_PRIME);
          }
          if (j >= n) break;
          if (this.repeats(this.objectAt[depth]!, h, text, i + 1, j)) {
            this.items = items;
            return `Key ${shown(text.slice(i, j + 1))} appears twice in one object; a key may appear once.`;
          }
          expectKey = false;
          i = j + 1;
        } else {
          // Values may be long (an SDP): jump from quote to quote.
          let j = text.indexOf('"', i + 1);
          while (j > 0 && isEscaped(text, j)) j = text.indexOf('"', j + 1);
          if (j < 0) break;
          i = j + 1;
        }
      } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        if (++items > maxItems) break;
        if (++depth > maxDepth) {
          this.items = items;
          return `The frame nests deeper than ${maxDepth - 1} levels of arrays and objects inside the message.`;
        }
        const object = c === OPEN_BRACE;
        this.isObject[depth] = object;
        if (object) this.objectAt[depth] = ++this.serial;
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
    this.items = items;
    if (items > maxItems) return `The frame holds more than ${maxItems} JSON values and keys.`;
    return null;
  }

  private stop(items: number): null {
    this.items = items;
    return null;
  }

  /** Records the key at text[start, end) of object `object`; true if that object has it already. */
  private repeats(object: number, hash: number, text: string, start: number, end: number): boolean {
    let slot = (hash ^ Math.imul(object, 0x9e3779b1)) & this.mask;
    while (this.owner[slot]! >= this.firstOfFrame) {
      if (this.owner[slot] === object && this.hashes[slot] === hash && sameKey(text, start, end, this.starts[slot]!, this.ends[slot]!)) return true;
      slot = (slot + 1) & this.mask;
    }
    this.owner[slot] = object;
    this.hashes[slot] = hash;
    this.starts[slot] = start;
    this.ends[slot] = end;
    return false;
  }
}

/** Where the escape read last by readEscape ends. */
let escapeEnd = 0;

/** The code unit of the escape at text[at] (a backslash); -1 if it is not a valid one. */
function readEscape(text: string, at: number): number {
  const e = text.charCodeAt(at + 1);
  escapeEnd = at + 2;
  switch (e) {
    case 0x22:
    case 0x5c:
    case 0x2f:
      return e;
    case 0x62:
      return 0x08;
    case 0x66:
      return 0x0c;
    case 0x6e:
      return 0x0a;
    case 0x72:
      return 0x0d;
    case 0x74:
      return 0x09;
    case 0x75: {
      escapeEnd = at + 6;
      let unit = 0;
      for (let k = at + 2; k < at + 6; k++) {
        const d = hexDigit(text.charCodeAt(k));
        if (d < 0) return -1;
        unit = unit * 16 + d;
      }
      return unit;
    }
    default:
      return -1;
  }
}

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

/** Whether two keys in `text` decode to the same string. */
function sameKey(text: string, a: number, aEnd: number, b: number, bEnd: number): boolean {
  while (a < aEnd && b < bEnd) {
    let x = text.charCodeAt(a);
    if (x === BACKSLASH) {
      x = readEscape(text, a);
      a = escapeEnd;
    } else {
      a++;
    }
    let y = text.charCodeAt(b);
    if (y === BACKSLASH) {
      y = readEscape(text, b);
      b = escapeEnd;
    } else {
      b++;
    }
    if (x !== y) return false;
  }
  return a === aEnd && b === bEnd;
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
