/** Writes docs/benchmarks.md from bench/results.json: every figure with its baseline, ratio and goal. */
// The results are loosely typed JSON: each section is read as the bench wrote it.
type Any = Record<string, any>;

const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits }) : "–");
const kb = (n: number) => `${fmt(n / 1024, 1)} KB`;
const verdict = (ok: boolean) => (ok ? "met" : "**missed**");

/** A row: figure, baseline, ours, ratio, goal (and whether it is met). */
function row(name: string, base: number, ours: number, digits: number, goal?: { max?: number; min?: number }) {
  const ratio = ours / base;
  const goalText = goal ? (goal.max !== undefined ? `≤ ${goal.max} ×` : `≥ ${goal.min} ×`) : "";
  const ok = goal ? (goal.max !== undefined ? ratio <= goal.max : ratio >= goal.min!) : true;
  return `| ${name} | ${fmt(base, digits)} | ${fmt(ours, digits)} | ${fmt(ratio, 2)} × | ${goalText} | ${goal ? verdict(ok) : ""} |`;
}

export async function writeReport(r: Any, file: string) {
  const m = r.machine ?? {};
  const out: string[] = [
    "# Benchmarks",
    "",
    "Run with `bun run bench` (all sections; a few minutes) or `bun run bench -- --only relay,idle`.",
    "Figures are medians of the repeated runs; each is compared with a baseline measured in the",
    "same run, because these machines are shared and noisy. The load generators are separate",
    "processes on loopback; the raw samples are in `bench/results.json`.",
    "",
    `Last run: ${m.date} · ${m.cpus} · ${m.memoryGiB} GiB · Bun ${m.bun} · Linux ${m.kernel} · ${m.chromium} · \`${m.command}\``,
    "",
  ];

  if (r.relay) {
    out.push("## Signaling relay", "", "Rooms of two ping-pong a 1 KB SDP-like `description` (2 in flight per pair) for 4 s after a 1 s warm-up. Baseline: a bare Bun WebSocket relay forwarding each frame to the room with no parsing or validation (`bench/bare-relay.ts`). Server CPU comes from the server process's own accounting (/proc).", "");
    for (const [key, v] of Object.entries<Any>(r.relay)) {
      const b = v.bare;
      const o = v.ours;
      out.push(`### ${key.slice(1)} rooms`, "", "| figure | bare relay | ours | ratio | goal | |", "|---|---|---|---|---|---|");
      out.push(row("server CPU per relayed message (µs)", b.serverCpuUsPerMessage, o.serverCpuUsPerMessage, 2, { max: 1.25 }));
      out.push(row("messages relayed per second", b.messagesPerSecond, o.messagesPerSecond, 0, { min: 0.8 }));
      out.push(row("round trip p50 (ms)", b.rttP50, o.rttP50, 2));
      out.push(row("round trip p99 (ms)", b.rttP99, o.rttP99, 2, { max: 1.5 }));
      out.push(row("server CPU (% of a core)", b.serverCpuPercent, o.serverCpuPercent, 0));
      out.push(row("load generator CPU (% of a core)", b.generatorCpuPercent, o.generatorCpuPercent, 0));
      out.push("");
    }
    out.push(
      "On two cores the server and the load generator each take about one core, so throughput and round trips are bounded by the generator as much as by the server; CPU per relayed message is the figure that stays honest then.",
      "",
    );
  }

  if (r.join) {
    const j = r.join;
    out.push("## Join", "", `${j.pairs} pairs (${j.pairs * 2} sockets) connect and join at once. Ours: connect → \`created\`/\`joined\`; the bare relay: connect → open (it has no join).`, "", "| figure | bare relay | ours | ratio |", "|---|---|---|---|");
    out.push(`| p50 (ms) | ${fmt(j.bare.p50)} | ${fmt(j.ours.p50)} | ${fmt(j.ours.p50 / j.bare.p50, 2)} × |`);
    out.push(`| p99 (ms) | ${fmt(j.bare.p99)} | ${fmt(j.ours.p99)} | ${fmt(j.ours.p99 / j.bare.p99, 2)} × |`);
    out.push(`| load generator CPU (%) | ${fmt(j.bare.generatorCpuPercent, 0)} | ${fmt(j.ours.generatorCpuPercent, 0)} | |`, "");
  }

  if (r.idle) {
    out.push("## Idle connections", "", "Sockets joined in rooms of two and left idle; server RSS after a full GC, before and after, from several generator processes (each below the 20,000 open-file limit).", "", "| sockets | bare relay bytes/socket | ours bytes/socket | ratio | goal | |", "|---|---|---|---|---|---|");
    for (const v of Object.values<Any>(r.idle)) {
      const ratio = v.ours.bytesPerConnection / v.bare.bytesPerConnection;
      out.push(`| ${v.ours.count.toLocaleString("en-US")} | ${fmt(v.bare.bytesPerConnection, 0)} | ${fmt(v.ours.bytesPerConnection, 0)} | ${fmt(ratio, 2)} × | ≤ 1.5 × | ${verdict(ratio <= 1.5)} |`);
    }
    out.push("");
  }

  if (r.churn) {
    const c = r.churn;
    const rss = (c.rssEnd - c.rssStart) / c.rssStart;
    const heap = (c.heapEnd - c.heapStart) / c.heapStart;
    out.push(
      "## Churn",
      "",
      `${c.cycles.toLocaleString("en-US")} join → leave cycles (100 sockets, a new room each time) in ${fmt(c.seconds)} s, after a warm-up of 10,000; memory after a full GC.`,
      "",
      "| figure | start | end | change | goal | |",
      "|---|---|---|---|---|---|",
      `| RSS | ${kb(c.rssStart)} | ${kb(c.rssEnd)} | ${fmt(rss * 100)} % | within 5 % | ${verdict(Math.abs(rss) <= 0.05)} |`,
      `| JS heap used | ${kb(c.heapStart)} | ${kb(c.heapEnd)} | ${fmt(heap * 100)} % | within 5 % | ${verdict(Math.abs(heap) <= 0.05)} |`,
      "",
    );
  }

  if (r.load) {
    const q = r.load.quiet;
    const f = r.load.flooded;
    const n = r.load["flooded, no ban"];
    out.push(
      "## Under a flood",
      "",
      "100 well-behaved pairs relay as above (limit 5,000 messages/s, burst 1,000 per socket) while 4 flooding sockets send frames as fast as they go (garbage and valid-but-pointless) and reconnect at once whenever they are closed or refused. The flooder starts once the pairs are connected and hammers through the whole measurement. Baseline: the same pairs without the flooder, in the same run. A flooding address may not open new sockets for `FLOOD_BAN_SECONDS` (default 30); the last column turns that off, to show what it buys.",
      "",
      "| figure | quiet | flooded | ratio | goal | | flooded, no ban |",
      "|---|---|---|---|---|---|---|",
      `${row("pairs' round trip p99 (ms)", q.rttP99, f.rttP99, 2, { max: 2 })} ${fmt(n.rttP99, 2)} (${fmt(n.rttP99 / q.rttP99, 2)} ×) |`,
      `${row("pairs' round trip p50 (ms)", q.rttP50, f.rttP50, 2)} ${fmt(n.rttP50, 2)} |`,
      `${row("pairs' messages per second", q.messagesPerSecond, f.messagesPerSecond, 0)} ${fmt(n.messagesPerSecond, 0)} |`,
      "",
      `Flooder, last run: with the ban ${JSON.stringify(r.load.flood.flooded)}; without ${JSON.stringify(r.load.flood["flooded, no ban"])} (frames sent, close codes, refused connects).`,
      "",
    );
  }

  if (r.fuzz) {
    const z = r.fuzz;
    out.push(
      "## Long fuzz",
      "",
      `${z.frames.toLocaleString("en-US")} generated frames from 40 connections in ${fmt(z.seconds)} s while 10 pairs signal (seeded, reproducible; \`test/support/fuzz.ts\`). Memory is compared with the server after a 20,000-frame warm-up run, after a full GC.`,
      "",
      "| figure | value | goal | |",
      "|---|---|---|---|",
      `| frames whose answer broke the protocol | ${z.mismatches} | 0 | ${verdict(z.mismatches === 0)} |`,
      `| pair messages lost, out of order or from outside the room | ${z.pairProblems} (of ${z.pairMessages.toLocaleString("en-US")}) | 0 | ${verdict(z.pairProblems === 0)} |`,
      `| server errors logged / server alive | ${z.serverErrors} / ${z.serverAlive} | 0 / true | ${verdict(z.serverErrors === 0 && z.serverAlive)} |`,
      `| rooms and sockets left afterwards | ${z.leftOver.rooms} / ${z.leftOver.connections} | 0 / 0 | ${verdict(z.leftOver.rooms === 0 && z.leftOver.connections === 0)} |`,
      `| RSS after GC, before → after | ${kb(z.rssBefore)} → ${kb(z.rssAfter)} | back near the start | ${verdict(z.rssAfter <= z.rssBefore * 1.1)} |`,
      `| heap used after GC, before → after | ${kb(z.heapBefore)} → ${kb(z.heapAfter)} | back near the start | ${verdict(z.heapAfter <= z.heapBefore * 1.1)} |`,
      "",
    );
  }

  if (r.browser) {
    const w = r.browser;
    out.push(
      "## Call set-up (headless Chromium, fake camera)",
      "",
      `Time from the start of a call to the first remote frame on screen (requestVideoFrameCallback), median of ${w.runs} interleaved runs.`,
      "",
      "| variant | ms | ratio to (a) | goal | |",
      "|---|---|---|---|---|",
      `| (a) raw two-RTCPeerConnection loopback, no component (baseline) | ${fmt(w.raw, 0)} | 1.00 × | | |`,
      `| (b) \`<loopback-demo>\`, Call → first frame | ${fmt(w.loopbackDemo, 0)} | ${fmt(w.loopbackDemo / w.raw, 2)} × | ≤ 1.1 × | ${verdict(w.loopbackDemo / w.raw <= 1.1)} |`,
      `| (c) two pages through the server, newcomer's \`joined\` → first remote frame | ${fmt(w.twoPages, 0)} | ${fmt(w.twoPages / w.raw, 2)} × | ≤ 1.5 × | ${verdict(w.twoPages / w.raw <= 1.5)} |`,
      "",
    );
  }

  if (r.bundle) {
    out.push("## Bundle size", "", "Each entry with the shared chunks it loads; minified by esbuild, gzip level 9, brotli quality 11.", "", "| entry | min | min+gzip | min+brotli |", "|---|---|---|---|");
    for (const b of r.bundle) out.push(`| ${b.entry === "roomcall" ? "all three elements (`/assets/embed.js`)" : `\`<${b.entry}>\``} | ${kb(b.min)} | ${kb(b.gzip)} | ${kb(b.brotli)} |`);
    const all = r.bundle.find((b: Any) => b.entry === "roomcall");
    out.push("", `Goal: the whole bundle ≤ 20 KB min+gzip: ${fmt(all.gzip / 1024)} KB, ${verdict(all.gzip <= 20 * 1024)}. For scale: peerjs.min.js 22.7 KB, simple-peer 28.4 KB, livekit-client 154 KB.`, "");
  }

  await Bun.write(file, out.join("\n"));
}
