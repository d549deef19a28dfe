/**
 * min, min+gzip and min+brotli bytes of each element's entry (with the chunks it loads) and
 * of the whole bundle; and what the whole bundle's minified bytes are made of, by part.
 */
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

/** A part of the bundle: the source files whose path starts with one of `prefixes`. */
const PARTS: { part: string; prefixes: string[] }[] = [
  { part: "packages", prefixes: ["node_modules/"] },
  { part: "the protocol's types and checks, shared with the server (`src/shared/`)", prefixes: ["src/shared/"] },
  { part: "shared by the elements (`components/shared/`, `components/controllers/`)", prefixes: ["src/components/shared/", "src/components/controllers/"] },
  { part: "`<video-call>`: session (signaling, links, resume)", prefixes: ["src/components/video-call/session/"] },
  { part: "`<video-call>`: devices and lobby", prefixes: ["src/components/video-call/devices/"] },
  { part: "`<video-call>`: chat", prefixes: ["src/components/video-call/chat/"] },
  { part: "`<video-call>`: quality and active speaker", prefixes: ["src/components/video-call/quality/"] },
  { part: "`<video-call>`: media, view and layout", prefixes: ["src/components/video-call/media/", "src/components/video-call/view/", "src/components/video-call/layout/"] },
  { part: "`<video-call>`: the element and its states", prefixes: ["src/components/video-call/"] },
  { part: "`<loopback-demo>`", prefixes: ["src/components/loopback-demo/"] },
  { part: "`<room-join>`", prefixes: ["src/components/room-join/"] },
  { part: "the entry", prefixes: ["src/components/index.ts"] },
];

/** The whole bundle as one file: minified bytes of each part (exact, from esbuild's metafile). */
export async function bundleParts() {
  const result = await esbuild.build({ ...buildOptions(true), entryPoints: [ENTRIES.roomcall], splitting: false, sourcemap: false });
  const [output] = Object.values(result.metafile!.outputs).filter((o) => o.entryPoint === ENTRIES.roomcall);
  const bytes = new Map(PARTS.map((p) => [p.part, 0]));
  const packages = new Set<string>();
  for (const [input, { bytesInOutput }] of Object.entries(output!.inputs)) {
    const part = PARTS.find((p) => p.prefixes.some((prefix) => input.startsWith(prefix)));
    if (!part) throw new Error(`no part of the bundle for ${input}`);
    bytes.set(part.part, bytes.get(part.part)! + bytesInOutput);
    const pkg = input.match(/^node_modules\/((?:@[^/]+\/)?[^/]+)/);
    if (pkg && bytesInOutput > 0) packages.add(pkg[1]!);
  }
  const named = (part: string) => (part === "packages" ? `packages: ${[...packages].sort().join(", ")}` : part);
  return { total: output!.bytes, parts: PARTS.filter((p) => bytes.get(p.part)! > 0).map((p) => ({ part: named(p.part), min: bytes.get(p.part)! })) };
}
