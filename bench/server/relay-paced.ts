/**
 * Relay at fixed offered loads, for each kind of frame a call sends: first the most the bare
 * relay sustains with that frame (flat out), then 25 %, 50 % and 90 % of it, offered by
 * paced senders to the bare relay, the JSON-only relay and ours in turn (each on a fresh
 * server). Server CPU per delivered message at the same offered load is the figure compared.
 */
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { type CpuShares, cpuShares, JIT_DUMP_ENV } from "../lib/cpu-profile.ts";
import { runLoad } from "../lib/generators.ts";
import { alternate } from "../lib/rounds.ts";
import type { GoalRow, Section } from "../lib/section.ts";
import { SEPARATE_CORES } from "../lib/placement.ts";
import { withServer } from "../lib/servers.ts";
import { median } from "../lib/stats.ts";
import { fmt, int } from "../lib/table.ts";
import { FRAME_KINDS } from "../load/frames.ts";

export interface PacedRun {
  offeredPerSecond: number;
  deliveredPerSecond: number;
  serverCpuUsPerMessage: number;
  serverUserUsPerMessage: number;
  serverSystemUsPerMessage: number;
  serverOtherThreadsUsPerMessage: number;
  serverSyscallsPerMessage: number;
  serverWakeupsPerMessage: number;
  /** Minor page faults: memory the kernel had to map in (again) for the server. */
  serverFaultsPerMessage: number;
  /** The generator's own wake-ups: each one a reader the server's sends found asleep, and woke (on loopback, at the sender's cost). */
  generatorWakeupsPerMessage: number;
  serverCpuPercent: number;
  generatorCpuPercent: number;
  machineBusyPercent: number;
  frameBytes: number;
}

const PARAMS = { pairs: 100, seconds: 4, warmupSeconds: 1, window: 2, loads: [0.25, 0.5, 0.9] };
/** The load at which each server is profiled as well. */
const PROFILED_LOAD = 0.5;
const KINDS = ["bare", "json-splice", "ours"] as const;
type Kind = (typeof KINDS)[number];
const GOAL = { bare: 1.25, json: 1.1 };
/** Delivered below this share of what was offered: the server (or the generator) could not keep up. */
const KEPT_UP = 0.97;

interface Point {
  load: number;
  rate: number;
  runs: Record<Kind, PacedRun[]>;
  /** At the profiled load: where each server's CPU went, from one more run with perf sampling it. */
  profiles?: Record<Kind, CpuShares | null>;
}
interface PacedResult {
  params: typeof PARAMS;
  byFrame: Record<string, { capacity: PacedRun; points: Point[] }>;
}

const m = (runs: PacedRun[], k: keyof PacedRun) => median(runs.map((r) => r[k]));

function verdict(p: Point) {
  const cpu = (k: Kind) => m(p.runs[k], "serverCpuUsPerMessage");
  const vsBare = cpu("ours") / cpu("bare");
  const jsonVsBare = cpu("json-splice") / cpu("bare");
  const vsJson = cpu("ours") / cpu("json-splice");
  // A baseline that fell behind was saturated: its CPU per message is not that of this load.
  const measured = (["bare", "json-splice"] as const).every((k) => kept(p.runs[k]) >= KEPT_UP);
  const ok = measured && (vsBare <= GOAL.bare || (jsonVsBare > GOAL.bare && vsJson <= GOAL.json));
  return { vsBare, jsonVsBare, vsJson, ok, measured };
}

interface PacedArgs {
  pairs: number;
  seconds: number;
  warmupSeconds: number;
  window: number;
  rate: number;
  frame: string;
  tag: string;
  /** Where perf records the server's CPU samples, if anywhere. */
  profile?: string;
}

/**
 * One run of the paced generator against a fresh server of `kind` (with `env` on top of the
 * bench's), the two on their own cores; with the server's pid, for reading a profile once
 * the server has exited.
 */
const pacedRun = (kind: Kind, env: Record<string, string | undefined>, args: PacedArgs) =>
  withServer(
    kind,
    env,
    async (s) => ({
      run: await runLoad<PacedRun>("bench/load/paced.ts", { ...args, kind: kind === "ours" ? "ours" : "bare", url: s.wsUrl, serverPid: s.pid }, SEPARATE_CORES?.generator),
      pid: s.pid,
    }),
    { cpus: SEPARATE_CORES?.server },
  );

/** One run of the paced generator against a fresh server of `kind` (with `env` on top of the bench's). */
export const pacedLoad = async (kind: Kind, env: Record<string, string | undefined>, args: PacedArgs) => (await pacedRun(kind, env, args)).run;

/** The share of the offered messages delivered in the span (median of the rounds). */
const kept = (runs: PacedRun[]) => m(runs, "deliveredPerSecond") / m(runs, "offeredPerSecond");

export const relayPaced: Section<PacedResult> = {
  name: "relay-paced",
  groups: ["signaling"],
  async run({ rounds, log }) {
    const byFrame: PacedResult["byFrame"] = {};
    for (const frame of FRAME_KINDS) {
      const load = (kind: Kind, rate: number, tag: string) => pacedLoad(kind, {}, { ...PARAMS, rate, frame, tag });
      const capacity = await load("bare", 0, `${frame}-max`);
      log(`relay-paced ${frame} bare flat out`, JSON.stringify(capacity));
      const points: Point[] = [];
      for (const share of PARAMS.loads) {
        const rate = Math.round(capacity.deliveredPerSecond * share);
        const runs = await alternate(KINDS, rounds, async (kind, round) => {
          const r = await load(kind, rate, `${frame}-${share * 100}-${round}`);
          log(`relay-paced ${frame} ${share * 100} % ${kind}`, JSON.stringify(r));
          return r;
        });
        const point: Point = { load: share, rate, runs };
        if (share === PROFILED_LOAD) {
          const profiles = {} as Record<Kind, CpuShares | null>;
          for (const kind of KINDS) {
            const file = path.join(tmpdir(), `relay-paced-${frame}-${kind}-${process.pid}.perf`);
            const { pid } = await pacedRun(kind, JIT_DUMP_ENV, { ...PARAMS, rate, frame, tag: `${frame}-profile`, profile: file });
            profiles[kind] = cpuShares(file, pid);
            rmSync(file, { force: true });
            log(`relay-paced ${frame} profile ${kind}`, JSON.stringify(profiles[kind]));
          }
          point.profiles = profiles;
        }
        points.push(point);
      }
      byFrame[frame] = { capacity, points };
    }
    return { params: PARAMS, byFrame };
  },
  goals({ byFrame }) {
    return Object.entries(byFrame).flatMap(([frame, { points }]) =>
      points.map((p): GoalRow => {
        const v = verdict(p);
        return {
          figure: `paced relay, ${frame}s at ${p.load * 100} % of the bare relay's most: server CPU per message (µs)`,
          baseline: `${fmt(m(p.runs.bare, "serverCpuUsPerMessage"), 2)} (JSON-only ${fmt(m(p.runs["json-splice"], "serverCpuUsPerMessage"), 2)})`,
          ours: fmt(m(p.runs.ours, "serverCpuUsPerMessage"), 2),
          ratio: `${fmt(v.vsBare, 2)} × (${fmt(v.vsJson, 2)} × JSON-only)`,
          goal: `≤ ${GOAL.bare} × (or ≤ ${GOAL.json} × JSON-only where it is above ${GOAL.bare} ×)${v.measured ? "" : "; no verdict: a baseline fell behind"}`,
          ok: v.ok,
        };
      }),
    );
  },
  render({ params, byFrame }) {
    const out = [
      "## Relay at fixed loads, by kind of frame",
      "",
      `${params.pairs} rooms of two; both sides of each send one kind of frame, addressed to the other, at a fixed total rate spread evenly over the sockets and over time (the pacer wakes every 2 ms). The rate is a share of the most the bare relay sustains with that frame on this machine, measured flat out at the start of each frame's runs (every frame answered, ${params.window} in flight per pair). Each point: ${params.seconds} s after a ${params.warmupSeconds} s warm-up, on a fresh server, the bare relay, the JSON-only relay (\`bench/server/json-relay.ts\` in splice mode: JSON.parse of each frame and \`from\` put in front, nothing else) and ours in rotating order; medians of the rounds. CPU per message counts every thread of the server (/proc schedstat) over the measured span, divided by the messages delivered; system calls are counted by perf's syscall tracepoint; wake-ups are the main thread's voluntary context switches, the server's and the generator's: on loopback, waking a reader that sleeps is work done in the sender's send call, so each time the generator is found asleep costs the server. Ours writes the frames it relays in one turn of its event loop together at the end of the turn (as Redis writes its replies before it waits again), so fewer of its writes find the generator asleep. Page faults are the server's minor faults per message: memory its allocator gave back to the system and then used again, each 4 KiB page mapped in anew; every server here runs with \`MIMALLOC_PURGE_DELAY=10000\`, as \`bun run start\` sets it, which keeps freed memory for reuse for 10 s (the section "Allocator setting" below). ${
        SEPARATE_CORES
          ? `Every server runs on CPU ${SEPARATE_CORES.server} and the generator on CPU ${SEPARATE_CORES.generator} (taskset; \`bench/lib/placement.ts\`), as a server with its clients elsewhere runs: left to the scheduler, the two sometimes share a core at these loads and sometimes not, and that alone moved a server's kernel time per candidate between about 2.2 µs (one core) and 4.2 µs (two), whichever server it was (2026-12-08, each server pinned either way by hand: 3 runs on one core, 6 on two), so an unpinned median followed the scheduler's draws more than the servers.`
          : "The scheduler places the server and the generator (taskset or a second CPU is missing here), and where it puts them moves the kernel's share: see `bench/lib/placement.ts`."
      }`,
      "",
      "| frame | load | offered msg/s | delivered (bare · JSON · ours) | CPU µs/msg bare · JSON · ours | ours ÷ bare | ours ÷ JSON | user µs bare · ours | kernel µs bare · ours | syscalls/msg bare · ours | wake-ups/msg bare · ours | page faults/msg bare · ours | generator wake-ups/msg bare · JSON · ours | generator CPU % (ours run) | server CPU % bare · ours | goal |",
      "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ];
    for (const [frame, { capacity, points }] of Object.entries(byFrame)) {
      out.push(
        `| ${frame} (${capacity.frameBytes} B) | flat out, bare | ${int(capacity.deliveredPerSecond)} | | ${fmt(capacity.serverCpuUsPerMessage, 2)} | | | ${fmt(capacity.serverUserUsPerMessage, 2)} | ${fmt(capacity.serverSystemUsPerMessage, 2)} | ${fmt(capacity.serverSyscallsPerMessage, 2)} | ${fmt(capacity.serverWakeupsPerMessage, 3)} | ${fmt(capacity.serverFaultsPerMessage ?? NaN, 3)} | ${fmt(capacity.generatorWakeupsPerMessage ?? NaN, 3)} | ${int(capacity.generatorCpuPercent)} | ${int(capacity.serverCpuPercent)} | |`,
      );
      for (const p of points) {
        const v = verdict(p);
        const three = (k: keyof PacedRun, d: number, kinds: readonly Kind[] = KINDS) => kinds.map((kind) => fmt(m(p.runs[kind], k), d)).join(" · ");
        const shares = KINDS.map((kind) => kept(p.runs[kind]));
        out.push(
          `| ${frame} | ${p.load * 100} % | ${int(m(p.runs.bare, "offeredPerSecond"))} | ${shares.map((k) => `${int(k * 100)} %${k < KEPT_UP ? " (behind)" : ""}`).join(" · ")} | ${three("serverCpuUsPerMessage", 2)} | ${fmt(v.vsBare, 2)} × | ${fmt(v.vsJson, 2)} × | ${three("serverUserUsPerMessage", 2, ["bare", "ours"])} | ${three("serverSystemUsPerMessage", 2, ["bare", "ours"])} | ${three("serverSyscallsPerMessage", 2, ["bare", "ours"])} | ${three("serverWakeupsPerMessage", 3, ["bare", "ours"])} | ${three("serverFaultsPerMessage", 3, ["bare", "ours"])} | ${three("generatorWakeupsPerMessage", 3)} | ${int(m(p.runs.ours, "generatorCpuPercent"))} | ${three("serverCpuPercent", 0, ["bare", "ours"])} | ${v.measured ? (v.ok ? "pass" : "**miss**") : "no verdict: a baseline fell behind"} |`,
        );
      }
    }
    out.push("", "### Where ours' extra CPU goes, at 50 % load", "", "Per delivered message, ours minus the bare relay, split by where it is spent; and how much of it the JSON-only relay (parse, `from` in front) already spends. What is left after that is ours' own: the scan before parsing, the rate limits and byte budgets, the schema's check, the room lookup and the sender's share of the receiver's queue. Ours parses less than the JSON-only relay where a frame has long strings (a description's SDP, the app payload's data): it leaves them out of JSON.parse, checking instead that each is a well-formed JSON string (src/server/signaling/hollow-parse.ts), so there its own share is below zero.", "");
    out.push("| frame | extra CPU µs | user | kernel | other threads (collector, JIT) | of it JSON alone | ours' own | extra system calls | extra wake-ups |", "|---|---|---|---|---|---|---|---|---|");
    for (const [frame, { points }] of Object.entries(byFrame)) {
      const p = points.find((x) => x.load === 0.5);
      if (!p) continue;
      const d = (k: keyof PacedRun, kind: Kind = "ours") => m(p.runs[kind], k) - m(p.runs.bare, k);
      const json = d("serverCpuUsPerMessage", "json-splice");
      out.push(
        `| ${frame} | ${fmt(d("serverCpuUsPerMessage"), 2)} | ${fmt(d("serverUserUsPerMessage"), 2)} | ${fmt(d("serverSystemUsPerMessage"), 2)} | ${fmt(d("serverOtherThreadsUsPerMessage"), 2)} | ${fmt(json, 2)} | ${fmt(d("serverCpuUsPerMessage") - json, 2)} | ${fmt(d("serverSyscallsPerMessage"), 2)} | ${fmt(d("serverWakeupsPerMessage"), 3)} |`,
      );
    }
    out.push(
      "",
      `### Where each server's CPU goes, at ${PROFILED_LOAD * 100} % load (perf)`,
      "",
      "One more run of each server at this load with perf sampling it (2,000 samples a second, from outside the process); the shares of its samples are applied to the server's median CPU per message from the rounds above. The kernel is the sockets and TCP on loopback; Bun's runtime is its native code (JSON.parse, strings, the WebSocket frames, the collector); JavaScript is what the JIT compiled, named per function from JavaScriptCore's jitdump. In ours, `handle` dispatches on the message's type, `relay` stamps `from` and finds the receiver in the room (with the room lookup inlined into it), `flushAll` writes the turn's relayed frames at its end (src/server/signaling/send-batch.ts), `onMessage` holds the rate limits and byte budgets, `check` the scan before parsing, `schemaCheck` the schema's compiled check (`hollowCheck` its form for frames parsed with their long strings left out, by `read` and `parse` in src/server/signaling/hollow-parse.ts), `keyCount` the search for repeated keys and `markCount` the count of the strings left out.",
      "",
      "| frame | server | CPU µs/msg | kernel | Bun runtime | libc | JavaScript | largest JavaScript functions (µs) |",
      "|---|---|---|---|---|---|---|---|",
    );
    for (const [frame, { points }] of Object.entries(byFrame)) {
      const p = points.find((x) => x.load === PROFILED_LOAD);
      if (!p?.profiles) continue;
      for (const kind of KINDS) {
        const shares = p.profiles[kind];
        const cpu = m(p.runs[kind], "serverCpuUsPerMessage");
        if (!shares) {
          out.push(`| ${frame} | ${kind} | ${fmt(cpu, 2)} | no profile (perf missing) | | | | |`);
          continue;
        }
        const us = (share: number) => fmt(share * cpu, 2);
        const top = shares.functions.slice(0, 5).filter((f) => f.share * cpu >= 0.01).map((f) => `${f.name} ${us(f.share)}`).join(", ");
        out.push(`| ${frame} | ${kind === "json-splice" ? "JSON-only" : kind} | ${fmt(cpu, 2)} | ${us(shares.kernel)} | ${us(shares.runtime)} | ${us(shares.libc)} | ${us(shares.jit)} | ${top} |`);
      }
    }
    out.push(
      "",
      `Goal at each point: ours ≤ ${GOAL.bare} × the bare relay's CPU per message, or, where the JSON-only relay is itself above ${GOAL.bare} ×, ours ≤ ${GOAL.json} × the JSON-only relay's. "(behind)": fewer than ${KEPT_UP * 100} % of the offered messages were delivered in the span, so that server (or the generator, on a busy machine) was saturated at that load, and a point where a baseline fell behind gets no verdict; a server that fell behind ran flat out, and its CPU per message is then a flat-out figure. The generator is one process on a machine of two cores: its CPU is shown for ours' runs, and at 90 % it and the server together fill the machine.`,
      "",
    );
    return out;
  },
};
