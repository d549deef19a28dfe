/**
 * Where a server's CPU goes, by perf's sampling from outside the process: the kernel,
 * Bun's own native code, libc, and JavaScript compiled by the JIT, named per function.
 * JavaScriptCore writes the JIT's code to a jitdump file when the process runs with
 * BUN_JSC_useJITDump=1; perf does not read that file under the name JSC gives it, so its
 * code records are turned into the symbol map perf reads for a process (/tmp/perf-<pid>.map).
 */
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";

/** The environment that makes a Bun process write its jitdump. */
export const JIT_DUMP_ENV = { BUN_JSC_useJITDump: "1" };

/** perf's samples per second: enough for shares to a tenth of a per cent over a few seconds. */
const FREQUENCY = 2000;
/** A jitdump's code-load record (JIT_CODE_LOAD) and where its fields sit. */
const CODE_LOAD = 0;
const HEADER_SIZE_AT = 8;
const HEADER_PID_AT = 20;

export interface CpuShares {
  /** CPU time sampled, in ns (the sum of perf's sample periods). */
  sampledNs: number;
  /** Shares (0–1) of all samples. */
  kernel: number;
  runtime: number;
  libc: number;
  jit: number;
  other: number;
  /** The JIT's functions, by name, largest first, as shares. */
  functions: { name: string; share: number }[];
}

/** Starts sampling `pid` for `seconds`; the promise ends with the recording. Null if perf is missing. */
export function recordCpu(pid: number, seconds: number, file: string): Promise<void> | null {
  try {
    const proc = Bun.spawn(["perf", "record", "-q", "-F", String(FREQUENCY), "-o", file, "-p", String(pid), "--", "sleep", String(seconds)], { stdout: "ignore", stderr: "ignore" });
    return proc.exited.then(() => {});
  } catch {
    return null;
  }
}

/** The shares of a recording of `pid`, once that process has ended (its jitdump is complete). */
export function cpuShares(file: string, pid: number): CpuShares | null {
  if (!existsSync(file)) return null;
  const map = writeSymbolMap(pid);
  const proc = Bun.spawnSync(["perf", "report", "-i", file, "--stdio", "--no-children", "-g", "none", "--sort", "dso,sym", "-F", "period,dso,sym"], { stdout: "pipe", stderr: "ignore" });
  if (map) rmSync(map, { force: true });
  const rows: { period: number; dso: string; sym: string }[] = [];
  for (const line of proc.stdout.toString().split("\n")) {
    const m = /^\s*(\d+)\s+(\S.*?)\s+\[[.k]\]\s+(.*)$/.exec(line);
    if (m) rows.push({ period: Number(m[1]), dso: m[2]!.trim(), sym: m[3]!.trim() });
  }
  const total = rows.reduce((n, r) => n + r.period, 0);
  if (total === 0) return null;
  type Row = (typeof rows)[number];
  const share = (f: (r: Row) => boolean) => rows.filter(f).reduce((n, r) => n + r.period, 0) / total;
  const isJit = (r: Row) => r.dso.startsWith("[JIT]") || r.dso.startsWith("perf-");
  const isKernel = (r: Row) => r.dso.includes("kernel");
  const isRuntime = (r: Row) => r.dso.startsWith("bun");
  const isLibc = (r: Row) => r.dso.startsWith("libc") || r.dso.startsWith("ld-linux") || r.dso.startsWith("[vdso]");
  const byName = new Map<string, number>();
  for (const r of rows.filter(isJit)) {
    // "JSC-FTL:_handle#AbC123": the tier and the code block's hash are left out.
    const name = r.sym.replace(/^JSC-[A-Za-z]+:_?/, "").replace(/#\w+$/, "") || "(unnamed)";
    byName.set(name, (byName.get(name) ?? 0) + r.period / total);
  }
  return {
    sampledNs: total,
    kernel: share(isKernel),
    runtime: share(isRuntime),
    libc: share(isLibc),
    jit: share(isJit),
    other: share((r) => !isKernel(r) && !isRuntime(r) && !isLibc(r) && !isJit(r)),
    functions: [...byName].map(([name, s]) => ({ name, share: s })).sort((a, b) => b.share - a.share),
  };
}

/** Turns the jitdump of `pid` into perf's symbol map; returns the map's path, or null without a dump. */
function writeSymbolMap(pid: number): string | null {
  const dump = readdirSync("/tmp").find((f) => f.startsWith("jit-") && f.split("-")[2] === String(pid));
  if (!dump) return null;
  const path = `/tmp/${dump}`;
  const b = readFileSync(path);
  rmSync(path, { force: true });
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (view.getUint32(HEADER_PID_AT, true) !== pid) return null;
  const lines: string[] = [];
  // Records: id, size, timestamp; a code load then has pid, tid, vma, code address, code size, index, name.
  for (let at = view.getUint32(HEADER_SIZE_AT, true); at + 16 <= b.length; ) {
    const id = view.getUint32(at, true);
    const size = view.getUint32(at + 4, true);
    if (size === 0) break;
    if (id === CODE_LOAD) {
      const address = view.getBigUint64(at + 32, true);
      const codeSize = view.getBigUint64(at + 40, true);
      const nameAt = at + 56;
      const nameEnd = b.indexOf(0, nameAt);
      lines.push(`${address.toString(16)} ${codeSize.toString(16)} ${b.toString("utf8", nameAt, nameEnd).replace(/\s+/g, "_")}`);
    }
    at += size;
  }
  const map = `/tmp/perf-${pid}.map`;
  writeFileSync(map, lines.join("\n") + "\n");
  return map;
}
