/**
 * The room names this server takes: the protocol's rule (1–64 of letters, digits, `-`, `_`),
 * narrowed by the operator if they like (a shorter maximum, fewer characters).
 */
import { roomNameProblem } from "../shared/room-name.ts";

export interface RoomRule {
  /** What is wrong with `name` here, as a sentence; null when nothing is. */
  problem(name: string): string | null;
  /** The rule in words, e.g. "1 to 64 characters: letters, digits, '-' or '_'". */
  readonly description: string;
}

const PROTOCOL_CHARSET = "A-Za-z0-9_-";

/** `charset`: a regex character class body within the protocol's, e.g. "a-z0-9-". */
export function createRoomRule(maxLength: number, charset: string): RoomRule {
  const allowed = new RegExp(`^[${charset}]+$`);
  const chars = charset === PROTOCOL_CHARSET ? "letters, digits, '-' or '_'" : `any of ${charset}`;
  return {
    description: `1 to ${maxLength} characters: ${chars}`,
    problem(name) {
      const base = roomNameProblem(name);
      if (base) return base;
      if (name.length > maxLength) return `Room name is longer than ${maxLength} characters.`;
      if (!allowed.test(name)) return `Room names here may only hold these characters: ${charset}.`;
      return null;
    },
  };
}

/** True when `charset` is a character-class body that only ever admits protocol characters. */
export function isNarrowerCharset(charset: string): boolean {
  if (!/^[A-Za-z0-9_-]+$/.test(charset)) return false;
  let re: RegExp;
  try {
    re = new RegExp(`^[${charset}]$`);
  } catch {
    return false;
  }
  for (let code = 0; code < 0x3000; code++) {
    const ch = String.fromCharCode(code);
    if (re.test(ch) && !/^[A-Za-z0-9_-]$/.test(ch)) return false;
  }
  return true;
}
