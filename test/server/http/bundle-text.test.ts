/** The bundle bench's split of the bundle into text (literals) and code. */
import { expect, test } from "bun:test";
import { emptyLiterals } from "../../../bench/bundle/size.ts";

test("every literal's text goes, a template's expressions and regular expressions stay", () => {
  const code = 'a="x\\"y",b=`t${c?`u${"vw"}`:""}z`,r=/["\'`{]/g,d=e/2/f;if(a){b=\'ok\'}';
  const { bare, text } = emptyLiterals(code);
  expect(bare).toBe('a="",b=`${c?`${""}`:""}`,r=/["\'`{]/g,d=e/2/f;if(a){b=\'\'}');
  // x\"y, t, u, vw, z, ok
  expect(text).toBe(4 + 1 + 1 + 2 + 1 + 2);
});
