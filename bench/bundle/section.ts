/** Bundle size: what a page pays to embed the elements, minified and compressed. */
import type { Section } from "../lib/section.ts";
import { fmt, verdict } from "../lib/table.ts";
import { bundleParts, bundleSizes } from "./size.ts";

const GOAL_GZIP = 20 * 1024;

type Sizes = Awaited<ReturnType<typeof bundleSizes>>;
type Parts = Awaited<ReturnType<typeof bundleParts>>;

export const bundle: Section<{ entries: Sizes; parts: Parts }> = {
  name: "bundle",
  groups: ["browser"],
  run: async () => ({ entries: await bundleSizes(), parts: await bundleParts() }),
  goals({ entries: rows }) {
    const gzip = rows.find((b) => b.entry === "roomcall")!.gzip;
    return [{ figure: "bundle, all elements, min+gzip", baseline: "", ours: `${fmt(gzip / 1024, 1)} KB`, ratio: "", goal: "≤ 20 KB", ok: gzip <= GOAL_GZIP }];
  },
  render({ entries: rows, parts }) {
    const kb = (n: number) => `${fmt(n / 1024, 1)} KB`;
    const all = rows.find((b) => b.entry === "roomcall")!;
    return [
      "## Bundle size",
      "",
      "Each entry with the shared chunks it loads; minified by esbuild, gzip level 9, brotli quality 11.",
      "",
      "| entry | min | min+gzip | min+brotli |",
      "|---|---|---|---|",
      ...rows.map((b) => `| ${b.entry === "roomcall" ? "all three elements (`/assets/embed.js`)" : `\`<${b.entry}>\``} | ${kb(b.min)} | ${kb(b.gzip)} | ${kb(b.brotli)} |`),
      "",
      `Goal: the whole bundle ≤ 20 KB min+gzip: ${kb(all.gzip)}, ${verdict(all.gzip <= GOAL_GZIP)}. For scale: peerjs.min.js 22.7 KB, simple-peer 28.4 KB, livekit-client 154 KB.`,
      "",
      `What the whole bundle is made of: each part's minified bytes in it, from esbuild's metafile (gzip works on the file as a whole, so it has no exact share per part; the whole bundle gzips to ${fmt((all.gzip / all.min) * 100, 0)} % of its minified size).`,
      "",
      "| part | min | share |",
      "|---|---|---|",
      ...parts.parts.map((p) => `| ${p.part} | ${kb(p.min)} | ${fmt((p.min / parts.total) * 100, 0)} % |`),
      "",
      `Of the whole bundle's minified bytes, ${kb(parts.text)} (${fmt((parts.text / parts.total) * 100, 0)} %) are string and template literals: the elements' templates, stylesheets and messages. ` +
        (parts.codeGzip === null
          ? "What the code alone gzips to could not be had this run (with the literals emptied, it did not parse)."
          : `With every literal emptied, the code alone gzips to ${kb(parts.codeGzip)}: no shortening of the text could bring the bundle below that.`),
      "",
    ];
  },
};
