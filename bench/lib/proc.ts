/**
 * What Linux says about a process, read from outside it so that measuring costs the
 * measured process nothing: CPU time and resident memory.
 */
import { readdirSync, readFileSync } from "node:fs";

/** USER_HZ: /proc/<pid>/stat counts CPU time in ticks of 10 ms. */
const TICKS_PER_SECOND = 100;

export interface CpuSample {
  /** CPU time of the live threads in ns (schedstat), far finer than the 10 ms ticks. */
  ns: number;
  /** Of `ns`, the main (JavaScript) thread's; the rest is helpers: the collector's, the JIT's. */
  mainNs: number;
  /** User and system time of the whole process, exited threads included (ticks, in s). */
  userSeconds: number;
  systemSeconds: number;
  /** Minor page faults: memory the kernel had to map in. */
  minorFaults: number;
}

export function cpuSample(pid: number): CpuSample {
  let ns = 0;
  let mainNs = 0;
  // The process's own schedstat covers its main thread only: sum every thread.
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const t = Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "latin1").split(" ")[0]);
      ns += t;
      if (Number(tid) === pid) mainNs = t;
    } catch {
      // The thread ended between listing and reading.
    }
  }
  const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
  // Fields after the command name, which may itself hold spaces and parentheses.
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return { ns, mainNs, userSeconds: Number(f[11]) / TICKS_PER_SECOND, systemSeconds: Number(f[12]) / TICKS_PER_SECOND, minorFaults: Number(f[7]) };
}

/** CPU spent between two samples: total seconds (ns precision), the user/system split, the main thread's share. */
export function cpuBetween(a: CpuSample, b: CpuSample) {
  const ticks = b.userSeconds - a.userSeconds + (b.systemSeconds - a.systemSeconds);
  // A thread that exited in between takes its schedstat with it; the ticks keep it.
  const seconds = Math.max((b.ns - a.ns) / 1e9, ticks - 0.02);
  const userShare = ticks > 0 ? (b.userSeconds - a.userSeconds) / ticks : 0;
  return {
    seconds,
    userSeconds: seconds * userShare,
    systemSeconds: seconds * (1 - userShare),
    mainThreadSeconds: (b.mainNs - a.mainNs) / 1e9,
    minorFaults: b.minorFaults - a.minorFaults,
  };
}

/** The soft limit on open files of a process (this one by default). */
export function openFileLimit(pid: number | "self" = "self"): number {
  const limits = readFileSync(`/proc/${pid}/limits`, "latin1");
  const soft = limits.match(/Max open files\s+(\d+|unlimited)/)![1]!;
  return soft === "unlimited" ? Number.MAX_SAFE_INTEGER : Number(soft);
}

/** How many local ports one source address has for outgoing connections. */
export function ephemeralPorts(): number {
  const [lo, hi] = readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "latin1").trim().split(/\s+/).map(Number);
  return hi! - lo! + 1;
}

/** Machine-wide CPU time (s, all cores) from /proc/stat: busy, and stolen by the hypervisor. */
export function machineSample(): { busy: number; steal: number; total: number } {
  const line = readFileSync("/proc/stat", "latin1").split("\n")[0]!;
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line.split(/\s+/).slice(1).map(Number) as number[];
  const busy = user! + nice! + system! + irq! + softirq!;
  return { busy: busy / TICKS_PER_SECOND, steal: steal! / TICKS_PER_SECOND, total: (busy + idle! + iowait! + steal!) / TICKS_PER_SECOND };
}

/** Kernel TCP counters (this network namespace): listen-queue overflows and SYN cookies sent. */
export function tcpCounters(): { listenOverflows: number; syncookiesSent: number } {
  const lines = readFileSync("/proc/net/netstat", "latin1").split("\n");
  const at = lines.findIndex((l) => l.startsWith("TcpExt:"));
  const names = lines[at]!.split(/\s+/);
  const values = lines[at + 1]!.split(/\s+/).map(Number);
  const get = (name: string) => values[names.indexOf(name)] ?? NaN;
  return { listenOverflows: get("ListenOverflows"), syncookiesSent: get("SyncookiesSent") };
}

/** Wake-ups of a process's main thread: its voluntary context switches (each one a wait that ended). */
export function wakeups(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "latin1");
  return Number(status.match(/^voluntary_ctxt_switches:\s+(\d+)/m)?.[1] ?? NaN);
}

/**
 * Counts a process's system calls (all threads) for `seconds` with perf's syscall tracepoint;
 * NaN where perf is missing or not allowed. Start it, do the work, await the count.
 */
export function countSyscalls(pid: number, seconds: number): Promise<number> {
  try {
    const proc = Bun.spawn(["perf", "stat", "-x", ",", "-e", "raw_syscalls:sys_enter", "-p", String(pid), "--", "sleep", String(seconds)], { stdout: "ignore", stderr: "pipe" });
    return new Response(proc.stderr).text().then((text) => {
      const line = text.split("\n").find((l) => l.includes("raw_syscalls:sys_enter"));
      return line ? Number(line.split(",")[0]) : NaN;
    });
  } catch {
    return Promise.resolve(NaN);
  }
}
