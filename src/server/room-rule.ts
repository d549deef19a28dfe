/** Checks an operator's `ROOM_NAME_CHARSET` before the room rule (src/shared/room-name.ts) is built from it. */

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
