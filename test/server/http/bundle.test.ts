import { expect, test } from "bun:test";
import * as esbuild from "esbuild";
import { buildOptions } from "../../../src/server/http/assets.ts";

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
