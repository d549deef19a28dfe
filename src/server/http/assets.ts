/**
 * The browser bundle: the components (and the site's stylesheet) built with esbuild into
 * memory and served from there, so what is served can never be missing or stale. Production builds once,
 * minified with source maps; development rebuilds on every change.
 */
import * as esbuild from "esbuild";
import * as path from "node:path";
import { cssTemplates } from "./css-templates.ts";

export const ROOT = path.resolve(import.meta.dir, "../../..");

/** Entry name → source. `roomcall` holds all three embeddable elements. */
export const ENTRIES = {
  roomcall: "src/components/index.ts",
  "room-join": "src/components/room-join/room-join.ts",
  "video-call": "src/components/video-call/video-call.ts",
  "loopback-demo": "src/components/loopback-demo/loopback-demo.ts",
  // The room page's invite control: the site's own, not one of the embeddable elements.
  "copy-link": "src/components/copy-link/copy-link.ts",
} as const;
export type EntryName = keyof typeof ENTRIES;

/** The site's stylesheet, built and content-hashed with the bundle. */
export const STYLESHEET = "public/site.css";

/** Stable URL for embedding pages: a tiny module that imports the hashed bundle. */
export const EMBED_PATH = "/assets/embed.js";

export interface Asset {
  body: Uint8Array;
  contentType: string;
  /** Content-hashed, so it may be cached for good. */
  immutable: boolean;
}

export interface Assets {
  /** The asset at a URL path like `/assets/video-call-ABC123.js`. */
  get(urlPath: string): Asset | undefined;
  /** URL path of an entry's current (hashed) file. */
  url(entry: EntryName): string;
  /** URL path of the site's stylesheet (hashed). */
  stylesheet(): string;
  /** The last build's metafile, for checks of what went into the bundle. */
  metafile(): esbuild.Metafile;
  dispose(): Promise<void>;
}

export function buildOptions(production: boolean): esbuild.BuildOptions {
  return {
    absWorkingDir: ROOT,
    entryPoints: { ...ENTRIES, site: STYLESHEET },
    outdir: path.join(ROOT, "public/build"),
    entryNames: "[name]-[hash]",
    chunkNames: "chunks/[name]-[hash]",
    bundle: true,
    splitting: true,
    format: "esm",
    target: "es2022",
    // The elements' tsconfig: Lit's decorators in TypeScript's form, which compile to far
    // less code than standard decorators lowered for today's browsers.
    tsconfig: "tsconfig.browser.json",
    minify: production,
    // esbuild minifies the code but not the stylesheets inside it.
    plugins: production ? [cssTemplates()] : [],
    sourcemap: "linked",
    legalComments: "none",
    metafile: true,
    write: false,
    logLevel: "silent",
  };
}

export async function createAssets({ production, watch }: { production: boolean; watch: boolean }): Promise<Assets> {
  let files = new Map<string, Asset>();
  let entryUrls = new Map<EntryName, string>();
  let stylesheetUrl = "";
  let meta: esbuild.Metafile = { inputs: {}, outputs: {} };

  const publish = (result: esbuild.BuildResult) => {
    if (result.errors.length > 0 || !result.outputFiles || !result.metafile) return;
    const outdir = path.join(ROOT, "public/build");
    const next = new Map<string, Asset>();
    for (const f of result.outputFiles) {
      const urlPath = "/assets/" + path.relative(outdir, f.path).split(path.sep).join("/");
      next.set(urlPath, { body: f.contents, contentType: contentType(f.path), immutable: true });
    }
    const urls = new Map<EntryName, string>();
    let css = "";
    for (const [out, info] of Object.entries(result.metafile.outputs)) {
      const url = "/assets/" + path.relative("public/build", out).split(path.sep).join("/");
      const name = (Object.keys(ENTRIES) as EntryName[]).find((n) => info.entryPoint === ENTRIES[n]);
      if (name) urls.set(name, url);
      if (info.entryPoint === STYLESHEET && out.endsWith(".css")) css = url;
    }
    const embed = `import "./${urls.get("roomcall")!.slice("/assets/".length)}";\n`;
    next.set(EMBED_PATH, { body: new TextEncoder().encode(embed), contentType: "text/javascript; charset=utf-8", immutable: false });
    files = next;
    entryUrls = urls;
    stylesheetUrl = css;
    meta = result.metafile;
  };

  const options = buildOptions(production);
  if (watch) {
    const ctx = await esbuild.context({
      ...options,
      plugins: [...(options.plugins ?? []), { name: "publish", setup: (b) => b.onEnd(publish) }],
    });
    await ctx.rebuild();
    await ctx.watch();
    return assets(() => ctx.dispose());
  }
  const result = await esbuild.build(options);
  publish(result);
  return assets(async () => {});

  function assets(dispose: () => Promise<void>): Assets {
    if (entryUrls.size === 0 || stylesheetUrl === "") throw new Error("The component bundle failed to build.");
    return {
      get: (p) => files.get(p),
      url: (e) => entryUrls.get(e)!,
      stylesheet: () => stylesheetUrl,
      metafile: () => meta,
      dispose,
    };
  }
}

function contentType(file: string): string {
  if (file.endsWith(".js")) return "text/javascript; charset=utf-8";
  if (file.endsWith(".map")) return "application/json; charset=utf-8";
  if (file.endsWith(".css")) return "text/css; charset=utf-8";
  return "application/octet-stream";
}
