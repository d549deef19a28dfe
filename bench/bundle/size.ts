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

/** Where `/` starts a regular expression rather than dividing: after these, or at the start. */
const BEFORE_REGEX = /(?:[(,=:[!&|?{};+\-*%<>~^]|\b(?:return|typeof|case|do|else|in|of|new|delete|void|throw|yield|await))\s*$/;

/**
 * `code` with the text of every string and template literal taken out (a template keeps its
 * `${}` expressions, themselves emptied the same way), and how many bytes of text went. A
 * small scanner for esbuild's minified output, which has no comments; what it leaves is
 * parsed again, so a misread shows.
 */
export function emptyLiterals(code: string): { bare: string; text: number } {
  let out = "";
  let text = 0;
  /** For each template open around `i`: the brace depth its current `${` began at. */
  const templates: number[] = [];
  let depth = 0;
  let i = 0;
  const template = () => {
    // At a template's text: up to its end (`) or its next `${`.
    const from = i;
    while (i < code.length && code[i] !== "`" && !(code[i] === "$" && code[i + 1] === "{")) i += code[i] === "\\" ? 2 : 1;
    text += i - from;
    if (code[i] === "`") {
      out += "`";
      i++;
    } else {
      out += "${";
      i += 2;
      templates.push(depth++);
    }
  };
  while (i < code.length) {
    const ch = code[i]!;
    if (ch === '"' || ch === "'") {
      let j = i + 1;
      while (code[j] !== ch) j += code[j] === "\\" ? 2 : 1;
      text += j - i - 1;
      out += ch + ch;
      i = j + 1;
    } else if (ch === "`") {
      out += "`";
      i++;
      template();
    } else if (ch === "{") {
      depth++;
      out += ch;
      i++;
    } else if (ch === "}") {
      depth--;
      out += ch;
      i++;
      if (templates.length > 0 && templates.at(-1) === depth) {
        templates.pop();
        template();
      }
    } else if (ch === "/" && BEFORE_REGEX.test(out.slice(-12))) {
      // A regular expression: copied whole (a `/` inside a class [...] does not end it).
      let j = i + 1;
      let inClass = false;
      while (code[j] !== "/" || inClass) {
        if (code[j] === "\\") j++;
        else if (code[j] === "[") inClass = true;
        else if (code[j] === "]") inClass = false;
        j++;
      }
      out += code.slice(i, j + 1);
      i = j + 1;
    } else {
      out += ch;
      i++;
    }
  }
  return { bare: out, text };
}

/**
 * How much of the whole bundle is text (the literals: templates, stylesheets, messages) and
 * what its code alone gzips to, every literal emptied: what no shortening of the text could
 * take it below. Null where the code left did not parse (a misread).
 */
function textAndCode(code: string) {
  const { bare, text } = emptyLiterals(code);
  try {
    new Bun.Transpiler({ loader: "js" }).transformSync(bare);
  } catch {
    return { text, codeGzip: null };
  }
  return { text, codeGzip: gzipSync(bare, { level: 9 }).length };
}

/** The whole bundle as one file: minified bytes of each part (exact, from esbuild's metafile). */
export async function bundleParts() {
  const result = await esbuild.build({ ...buildOptions(true), entryPoints: [ENTRIES.roomcall], splitting: false, sourcemap: false });
  const [output] = Object.values(result.metafile!.outputs).filter((o) => o.entryPoint === ENTRIES.roomcall);
  const file = result.outputFiles!.find((f) => f.path.endsWith(".js"))!;
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
  return { total: output!.bytes, ...textAndCode(file.text), parts: PARTS.filter((p) => bytes.get(p.part)! > 0).map((p) => ({ part: named(p.part), min: bytes.get(p.part)! })) };
}
