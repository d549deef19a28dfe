/**
 * Micro-benchmarks that explain the server figures: the JavaScript cost of one relayed
 * message, and the JavaScript heap of one joined socket, ours against the baseline's.
 * Each runs in a process of its own.
 */
import { runLoad } from "../lib/generators.ts";
import type { Section } from "../lib/section.ts";
import { median } from "../lib/stats.ts";
import { fmt, int } from "../lib/table.ts";

interface MicroResult {
  message: { frameBytes: number; nsPerOp: Record<string, number> };
  state: { sockets: number; heapBytesPerSocket: { bare: number; ours: number; compact: number }; oursParts: Record<string, number> };
}

type Runs = { bare: Record<string, number>[]; ours: Record<string, number>[] };
const med = (rs: Record<string, number>[], k: string) => median(rs.map((r) => r[k]!));

/** ours − baseline in the relay runs of `pairs` rooms, per message, if that section ran. */
function relayGap(all: Record<string, unknown>, pairs: string) {
  const r = (all.relay as { byPairs?: Record<string, Runs> } | undefined)?.byPairs?.[pairs];
  if (!r) return null;
  const gap = (k: string) => med(r.ours, k) - med(r.bare, k);
  return { total: gap("serverCpuUsPerMessage"), user: gap("serverUserUsPerMessage"), system: gap("serverSystemUsPerMessage") };
}

function idleGap(all: Record<string, unknown>) {
  const byCount = (all.idle as { byCount?: Record<string, Runs> } | undefined)?.byCount;
  const last = byCount && Object.keys(byCount).at(-1);
  if (!last) return null;
  const r = byCount[last]!;
  return { sockets: Number(last), rss: med(r.ours, "bytesPerSocket") - med(r.bare, "bytesPerSocket"), heap: med(r.ours, "heapBytesPerSocket") - med(r.bare, "heapBytesPerSocket") };
}

/** Server changes the figures point to, sized by the candidate rows (estimates, not measured in the server). */
function suggestions(ns: Record<string, number>, state: MicroResult["state"], all: Record<string, unknown>): string[] {
  const now = ns["all of ours' steps together"]!;
  const spliced = ns["candidate: parse + hand-written check + splice `from` into the frame"]!;
  const saved = (now - spliced) / 1000;
  const byPairs = (all.relay as { byPairs?: Record<string, Runs & Partial<Record<"json-rebuild" | "json-splice", Runs["ours"]>>> } | undefined)?.byPairs ?? {};
  const cpu = (rs: Runs["ours"]) => med(rs, "serverCpuUsPerMessage");
  const estimate = Object.entries(byPairs)
    .map(([pairs, r]) => {
      const after = cpu(r.ours) - saved;
      const inSitu = r["json-rebuild"] && r["json-splice"] ? ` (in the relay itself, JSON alone cost the baseline ${fmt(cpu(r["json-rebuild"]) / cpu(r.bare), 2)} × as rebuilt and ${fmt(cpu(r["json-splice"]) / cpu(r.bare), 2)} × as spliced)` : "";
      return ` ${int(Number(pairs))} rooms: ours from ${fmt(cpu(r.ours), 2)} to about ${fmt(after, 2)} µs per message, ${fmt(after / cpu(r.bare), 2)} × the baseline${inSitu}.`;
    })
    .join("");
  const parts = state.oursParts;
  const saving = state.heapBytesPerSocket.ours - state.heapBytesPerSocket.compact;
  const idle = (all.idle as { byCount?: Record<string, Runs> } | undefined)?.byCount;
  const idleEstimate = idle
    ? ` In the idle benchmark that would make ours about ${Object.entries(idle)
        .map(([count, r]) => `${fmt((med(r.ours, "bytesPerSocket") - saving) / med(r.bare, "bytesPerSocket"), 2)} × the baseline at ${int(Number(count))} sockets`)
        .join(" and ")} (RSS falling by the heap saved, no more).`
    : "";
  const part = (prefix: string) => int(Object.entries(parts).find(([k]) => k.startsWith(prefix))?.[1] ?? NaN);
  return [
    "What would close the gaps (suggested changes to the server, sized from the rows above; estimates):",
    "",
    `- **Relay CPU.** Most of ours' extra per-message work is JSON: parsing the frame, then encoding the SDP again (its CRLFs make both about 3–5 × dearer than for plain text; see the contrast rows). For \`description\` and \`candidate\` frames, check the parsed object by hand instead of through zod, and make the schema refuse unknown keys (strict objects) instead of dropping them: then the frame that passed the check can be relayed as it came with \`from\` spliced in front (the sender's \`to\` then rides along), never encoded again. That takes the JavaScript per message from ${us(now)} to ${us(spliced)} µs, about ${fmt(saved, 2)} µs saved; estimated for the relay benchmark:${estimate} JSON.parse itself (${us(ns["JSON.parse of the frame"]!)} µs) stays: it is the check.`,
    `- **Memory per socket.** Ours keeps ${int(state.heapBytesPerSocket.ours)} heap bytes per joined socket against the baseline's ${int(state.heapBytesPerSocket.bare)}. Keep the two token buckets as plain number fields of the Connection (${part("Connection")} bytes with them now), let the Connection itself be the room Member with \`deliver\`/\`evict\` as methods of a class rather than two closures per socket (${part("Member")} bytes now), and hold a room's few members in a small array rather than a Map per room (${part("seat")} bytes per socket now, room name included). Measured in that layout: ${int(state.heapBytesPerSocket.compact)} bytes, ${int(saving)} fewer.${idleEstimate}`,
    "",
  ];
}

const us = (ns: number) => fmt(ns / 1000, 2);

export const micro: Section<MicroResult> = {
  name: "micro",
  groups: ["signaling"],
  async run({ log }) {
    const message = await runLoad<MicroResult["message"]>("bench/micro/message-cost.ts", { sdpBytes: 1024 });
    log("micro message", JSON.stringify(message));
    const state = await runLoad<MicroResult["state"]>("bench/micro/connection-state.ts", { sockets: 20_000 });
    log("micro state", JSON.stringify(state));
    return { message, state };
  },
  render({ message, state }, all) {
    const out = [
      "## Where ours' extra cost goes (micro-benchmarks)",
      "",
      `The JavaScript ours runs per relayed \`description\` and the baseline does not, step by step on the relay benchmark's ${int(message.frameBytes)}-byte frame, in a process of its own (median of 5 timed runs after a warm-up; \`bench/micro/message-cost.ts\`). The "candidate" rows are cheaper paths, timed to size the fixes suggested below.`,
      "",
      "| step | µs per message |",
      "|---|---|",
      ...Object.entries(message.nsPerOp).map(([k, v]) => `| ${k} | ${us(v)} |`),
      "",
    ];
    for (const pairs of ["100", "1000"]) {
      const g = relayGap(all, pairs);
      if (g) out.push(`Relay, ${int(Number(pairs))} rooms: ours used ${fmt(g.total, 2)} µs more server CPU per message than the baseline (${fmt(g.user, 2)} µs in user space, ${fmt(g.system, 2)} µs in the kernel).`, "");
    }
    out.push(
      `JavaScript heap per joined socket, without the socket itself (the same native object in both), for ${int(state.sockets)} sockets in rooms of two, each figure from a process of its own (\`bench/micro/connection-state.ts\`): the baseline keeps \`{ room }\` and a Set per room; ours keeps what \`signaling.ts\` and \`memory-rooms.ts\` allocate.`,
      "",
      "| what | heap bytes per socket |",
      "|---|---|",
      `| baseline, all of it | ${int(state.heapBytesPerSocket.bare)} |`,
      `| ours, all of it | ${int(state.heapBytesPerSocket.ours)} |`,
      ...Object.entries(state.oursParts).map(([k, v]) => `| ours: ${k} | ${int(v)} |`),
      `| candidate: ours in the compact layout suggested below | ${int(state.heapBytesPerSocket.compact)} |`,
      "",
    );
    const i = idleGap(all);
    if (i) out.push(`Idle, ${int(i.sockets)} sockets: ours' server held ${int(i.rss)} bytes more RSS per socket than the baseline, ${int(i.heap)} of them JS heap; the state above accounts for ${int(state.heapBytesPerSocket.ours - state.heapBytesPerSocket.bare)}.`, "");
    out.push(...suggestions(message.nsPerOp, state, all));
    return out;
  },
};
