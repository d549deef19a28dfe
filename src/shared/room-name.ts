/**
 * The room-name rule, in one place: 1–64 of ASCII letters, digits, `-` and `_` (safe in
 * URLs and HTML as is), which an operator may narrow (a shorter maximum, fewer characters).
 * The protocol's zod schema, the server, its pages and the browser elements all check
 * names with this module; it imports nothing, so the browser bundle stays small.
 */
export const ROOM_NAME_MAX = 64;
export const ROOM_NAME_PATTERN = /^[A-Za-z0-9_-]+$/;
/** The protocol's characters, as a character-class body. */
export const ROOM_NAME_CHARSET = "A-Za-z0-9_-";

/** What is wrong with `name` as a room name, as a sentence; null when nothing is. */
export function roomNameProblem(name: unknown): string | null {
  if (typeof name !== "string") return "Room name must be text.";
  if (name.length === 0) return "Room name is empty.";
  if (name.length > ROOM_NAME_MAX) return `Room name is longer than ${ROOM_NAME_MAX} characters.`;
  if (!ROOM_NAME_PATTERN.test(name)) return "Room name may only hold letters, digits, '-' and '_'.";
  return null;
}

export interface RoomRule {
  readonly maxLength: number;
  /** Allowed characters as a character-class body, e.g. `a-z0-9-`. */
  readonly charset: string;
  /** What is wrong with `name` here, as a sentence; null when nothing is. */
  problem(name: string): string | null;
  /** The rule in words, e.g. "1 to 64 characters: letters, digits, '-' or '_'". */
  readonly description: string;
  /** The same rule as an HTML `pattern` attribute value. */
  readonly pattern: string;
}

/**
 * The protocol's rule narrowed to `maxLength` characters of `charset` (a character-class
 * body within the protocol's). Values that would widen the rule or do not parse are ignored:
 * the protocol's own rule always applies.
 */
export function createRoomRule(maxLength: number = ROOM_NAME_MAX, charset: string = ROOM_NAME_CHARSET): RoomRule {
  const max = Number.isInteger(maxLength) && maxLength >= 1 && maxLength <= ROOM_NAME_MAX ? maxLength : ROOM_NAME_MAX;
  let allowed = ROOM_NAME_PATTERN;
  let chars = ROOM_NAME_CHARSET;
  if (ROOM_NAME_PATTERN.test(charset)) {
    try {
      allowed = new RegExp(`^[${charset}]+$`);
      chars = charset;
    } catch {
      // e.g. a reversed range: keep the protocol's characters.
    }
  }
  const words = chars === ROOM_NAME_CHARSET ? "letters, digits, '-' or '_'" : `any of ${chars}`;
  return {
    maxLength: max,
    charset: chars,
    description: `1 to ${max} characters: ${words}`,
    pattern: htmlPattern(allowed),
    problem(name) {
      const base = roomNameProblem(name);
      if (base) return base;
      if (name.length > max) return `Room name is longer than ${max} characters.`;
      if (!allowed.test(name)) return `Room names here may only hold these characters: ${chars}.`;
      return null;
    },
  };
}

const PROTOCOL_CHARS = "-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz";

/**
 * The characters `allowed` admits, as an HTML `pattern`: runs become ranges, a lone `-` is
 * escaped (pattern attributes are compiled with the `v` flag, which requires it).
 */
function htmlPattern(allowed: RegExp): string {
  const ok = [...PROTOCOL_CHARS].filter((ch) => allowed.test(ch));
  let body = "";
  for (let i = 0; i < ok.length; ) {
    let j = i;
    while (j + 1 < ok.length && ok[j + 1]!.charCodeAt(0) === ok[j]!.charCodeAt(0) + 1) j++;
    const a = ok[i] === "-" ? "\\-" : ok[i]!;
    body += j - i >= 2 ? `${a}-${ok[j]}` : ok.slice(i, j + 1).map((c) => (c === "-" ? "\\-" : c)).join("");
    i = j + 1;
  }
  return `[${body}]+`;
}
