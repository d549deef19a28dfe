/** Bundle size: what a page pays to embed the elements, minified and compressed. */
import type { Section } from "../lib/section.ts";
import { fmt, verdict } from "../lib/table.ts";
import { bundleSizes } from "./size.ts";

const GOAL_GZIP = 20 * 1024;

export const bundle: Section<Awaited<ReturnType<typeof bundleSizes>>> = {
  name: "bundle",
  groups: ["browser"],
  run: () => bundleSizes(),
  goals(rows) {
    const gzip = rows.find((b) => b.entry === "roomcall")!.gzip;
    return [{ figure: "bundle, all elements, min+gzip", baseline: "", ours: `${fmt(gzip / 1024, 1)} KB`, ratio: "", goal: "≤ 20 KB", ok: gzip <= GOAL_GZIP }];
  },
  render(rows) {
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
    ];
  },
};
