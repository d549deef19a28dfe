/**
 * Minifies the stylesheets the elements hold in Lit's css`` templates, which esbuild leaves
 * as written (to it they are strings): each one goes through esbuild's own CSS minifier at
 * build time, so what the browser gets is the same rules in fewer bytes.
 */
import * as esbuild from "esbuild";
import { readFile } from "node:fs/promises";

/** The browsers the CSS may be written for: the floor the elements' container queries set already. */
export const CSS_TARGET = ["chrome105", "firefox110", "safari16"];

/** A css`` template with no `${}` in it (the elements' stylesheets are all plain). */
const CSS_TEMPLATE = /\bcss`([^`$\\]*)`/g;

/** `css` minified; as it was if the result could not stand in a template literal unchanged. */
export function minifyCss(css: string): string {
  const out = esbuild.transformSync(css, { loader: "css", minify: true, charset: "utf8", target: CSS_TARGET, logLevel: "silent" }).code.trim();
  return /[`\\]|\$\{/.test(out) ? css : out;
}

/** The plugin: the elements' TypeScript files, their css`` templates minified. */
export function cssTemplates(): esbuild.Plugin {
  return {
    name: "css-templates",
    setup(b) {
      b.onLoad({ filter: /[\\/]src[\\/]components[\\/].*\.ts$/ }, async (args) => {
        const source = await readFile(args.path, "utf8");
        if (!source.includes("css`")) return undefined;
        // The lines a template loses follow it, outside (where the minifier drops them), so
        // the source map still points at the right lines of the code after it.
        const contents = source.replace(CSS_TEMPLATE, (_all, css: string) => "css`" + minifyCss(css) + "`" + "\n".repeat(css.split("\n").length - 1));
        return { contents, loader: "ts" };
      });
    },
  };
}
