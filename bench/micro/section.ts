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
  state: { sockets: number; heapBytesPerSocket: { bare: number; ours: number }; oursParts: Record<string, number> };
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

/** What is left of the gaps, and what it is made of, from the rows above and the relay runs. */
function remaining(ns: Record<string, number>, state: MicroResult["state"], all: Record<string, unknown>): string[] {
  const now = ns["all of ours' steps together"]!;
  const parse = ns["parse with the SDP left out: the SDP checked to be a JSON string, JSON.parse of the rest, keys and left-out strings counted, the schema's check"]!;
  const wholeParse = ns["for contrast: JSON.parse of the whole frame (ours' way for frames without long strings)"]!;
  const scan = ns["scan of the text before parsing: depth, values, keys"]!;
  const check = ns["for contrast: the schema's check of the whole frame's value, compiled from ClientMessage"]!;
  const zod = ns["for contrast: zod's own ClientMessage.safeParse"]!;
  const least = ns["for contrast: the least a checked relay can do (JSON.parse, hand-written check, `from` in front)"]!;
  const byPairs = (all.relay as { byPairs?: Record<string, Runs & Partial<Record<"json-splice", Runs["ours"]>>> } | undefined)?.byPairs ?? {};
  const cpu = (rs: Runs["ours"]) => med(rs, "serverCpuUsPerMessage");
  const floors = Object.entries(byPairs)
    .filter(([, r]) => r["json-splice"])
    .map(([pairs, r]) => `${int(Number(pairs))} rooms: ${fmt(cpu(r["json-splice"]!) / cpu(r.bare), 2)} × the baseline (ours ${fmt(cpu(r.ours) / cpu(r.bare), 2)} ×)`)
    .join("; ");
  const parts = Object.entries(state.oursParts).sort((a, b) => b[1] - a[1]);
  return [
    "What the remaining gaps are made of:",
    "",
    `- **Relay CPU.** Ours' JavaScript per relayed message is ${us(now)} µs, of which the scan before parsing (which bounds the parser's work, finds repeated keys and notes the long strings) is ${us(scan)} µs and the parse with the SDP left out ${us(parse)} µs: the SDP checked to be a well-formed JSON string, JSON.parse of the rest, and the schema's check, compiled from the zod schema at start-up in a form that takes a left-out string wherever any string of its length would do. JSON.parse of the whole frame alone would cost ${us(wholeParse)} µs (most of it decoding the SDP's CRLF escapes), and the compiled check of the whole value ${us(check)} µs; zod's own parse, which builds a copy of the message, takes ${us(zod)} µs and runs only for frames the check refuses, to say why. A checked frame goes out as it came with \`from\` put in front, so nothing is encoded again (encoding it anew would cost ${us(ns["for contrast: a new frame with `from`, JSON.stringify"]!)} µs more). The least a relay that parses the whole frame can do is ${us(least)} µs here (parse, a hand-written check, \`from\` in front); the check ours runs is derived from the protocol's zod schemas, the one definition of the protocol, which we keep.${floors ? ` In the relay runs, the bare relay with JSON.parse and \`from\` in front and nothing else cost ${floors}.` : ""}`,
    `- **Memory per socket.** Ours keeps ${int(state.heapBytesPerSocket.ours)} heap bytes per joined socket against the baseline's ${int(state.heapBytesPerSocket.bare)}; the largest parts: ${parts
      .slice(0, 3)
      .map(([k, v]) => `${k} ${int(v)}`)
      .join(", ")}. Each holds what the protocol needs (rate limit, heartbeat, resume, the seat a resumed peer takes over).`,
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
      `The JavaScript ours runs per relayed \`description\` and the baseline does not, step by step on the relay benchmark's ${int(message.frameBytes)}-byte frame, in a process of its own (median of 5 timed runs after a warm-up; \`bench/micro/message-cost.ts\`). The "for contrast" rows are other ways of doing the same, timed alongside.`,
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
      `JavaScript heap per joined socket, without the socket itself (the same native object in both), for ${int(state.sockets)} sockets in rooms of two, each figure from a process of its own (\`bench/micro/connection-state.ts\`): the baseline keeps \`{ room }\` and a Set per room; ours keeps what \`signaling.ts\` and the rooms (\`rooms/\`) allocate.`,
      "",
      "| what | heap bytes per socket |",
      "|---|---|",
      `| baseline, all of it | ${int(state.heapBytesPerSocket.bare)} |`,
      `| ours, all of it | ${int(state.heapBytesPerSocket.ours)} |`,
      ...Object.entries(state.oursParts).map(([k, v]) => `| ours: ${k} | ${int(v)} |`),
      "",
    );
    const i = idleGap(all);
    if (i) out.push(`Idle, ${int(i.sockets)} sockets: ours' server held ${int(i.rss)} bytes more RSS per socket than the baseline, ${int(i.heap)} of them JS heap; the state above accounts for ${int(state.heapBytesPerSocket.ours - state.heapBytesPerSocket.bare)}.`, "");
    out.push(...remaining(message.nsPerOp, state, all));
    return out;
  },
};
