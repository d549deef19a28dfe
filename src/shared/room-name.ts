/**
 * The room-name rule, in one place: 1–64 of ASCII letters, digits, `-` and `_` (safe in
 * URLs and HTML as is). The protocol's zod schema and the browser's inline check both
 * come from here; this module imports nothing, so the browser bundle stays small.
 */
export const ROOM_NAME_MAX = 64;
export const ROOM_NAME_PATTERN = /^[A-Za-z0-9_-]+$/;

/** What is wrong with `name` as a room name, as a sentence; null when nothing is. */
export function roomNameProblem(name: unknown): string | null {
  if (typeof name !== "string") return "Room name must be text.";
  if (name.length === 0) return "Room name is empty.";
  if (name.length > ROOM_NAME_MAX) return `Room name is longer than ${ROOM_NAME_MAX} characters.`;
  if (!ROOM_NAME_PATTERN.test(name)) return "Room name may only hold letters, digits, '-' and '_'.";
  return null;
}
