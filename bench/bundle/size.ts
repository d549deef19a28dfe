/** min, min+gzip and min+brotli bytes of each element's entry (with the chunks it loads) and of the whole bundle. */
import * as esbuild from "esbuild";
import * as path from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { buildOptions, ENTRIES, ROOT } from "../../src/server/http/assets.ts";

export async function bundleSizes() {
  const result = await esbuild.build({ ...buildOptions(true), sourcemap: false });
  const outdir = path.join(ROOT, "public/build");
  const files = new Map(result.outputFiles!.map((f) => [path.relative(outdir, f.path), f.contents]));
  const rows: { entry: string; files: number; min: number; gzip: number; brotli: number }[] = [];
  for (const [out, info] of Object.entries(result.metafile!.outputs)) {
    const entry = Object.entries(ENTRIES).find(([, src]) => src === info.entryPoint)?.[0];
    if (!entry) continue;
    // An entry costs its own file plus every chunk it imports (statically, hence at load).
    const parts = [out, ...info.imports.map((i) => i.path)].map((p) => path.relative("public/build", p));
    const bytes = Buffer.concat(parts.map((p) => Buffer.from(files.get(p)!)));
    rows.push({
      entry,
      files: parts.length,
      min: bytes.length,
      gzip: gzipSync(bytes, { level: 9 }).length,
      brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
    });
  }
  return rows;
}
