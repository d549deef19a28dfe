import { expect, test } from "bun:test";
import * as esbuild from "esbuild";
import { buildOptions } from "../../../src/server/http/assets.ts";
import { minifyCss } from "../../../src/server/http/css-templates.ts";

test("no server module, and nothing of Node or Bun, ends up in the browser bundle", async () => {
  const result = await esbuild.build(buildOptions(true));
  const inputs = Object.keys(result.metafile!.inputs);
  expect(inputs).toContain("src/shared/room-name.ts");
  // The zod schemas stay on the server: the browser uses the plain rules they are built from.
  expect(inputs.filter((i) => i.includes("node_modules/zod/") || i === "src/shared/protocol.ts")).toEqual([]);
  expect(inputs.some((i) => i.startsWith("src/components/"))).toBe(true);
  expect(inputs.filter((i) => i.startsWith("src/server/"))).toEqual([]);
  expect(inputs.filter((i) => /node_modules\/(hono|esbuild|bun-types)\//.test(i))).toEqual([]);
  for (const out of Object.values(result.metafile!.outputs)) {
    expect(out.imports.filter((i) => i.external)).toEqual([]);
  }
});

test("the elements' stylesheets are minified in the production bundle, rules intact", async () => {
  const result = await esbuild.build({ ...buildOptions(true), sourcemap: false });
  const js = result.outputFiles!.filter((f) => f.path.endsWith(".js")).map((f) => f.text).join("\n");
  // Written with a space after each colon and an indent per line; minified, neither is left.
  expect(js).toContain(":host([layout=pair]) .self{position:absolute;");
  expect(js).toContain("@container (max-width: 540px){");
  expect(js).not.toMatch(/\n\s+[a-z-]+: [^;]+;/);
  expect(js).not.toContain("position: absolute");
});

test("a stylesheet is minified unless the result would read otherwise in a template literal", () => {
  expect(minifyCss(".a {\n  color: red;\n}\n")).toBe(".a{color:red}");
  // Characters beyond ASCII stay as they are, not written as CSS escapes.
  expect(minifyCss('.a::before {\n  content: "\u2014";\n}')).toMatch(/^\.a:+before\{content:"\u2014"\}$/);
  // A backslash in the result would be read as a template literal's escape: kept as written.
  const escaped = '.a::before {\n  content: "1\\A 2";\n  white-space: pre;\n}';
  expect(minifyCss(escaped)).toBe(escaped);
});
