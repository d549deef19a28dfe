/** Server and load-generator processes for the benchmarks, and what /proc says of them. */
import type { Subprocess } from "bun";
import * as path from "node:path";

export const ROOT = path.resolve(import.meta.dir, "../..");
const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) a process has used, from /proc/<pid>/stat. */
export async function cpuSeconds(pid: number): Promise<number> {
  const stat = await Bun.file(`/proc/${pid}/stat`).text();
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** Resident set size in bytes, from /proc/<pid>/status. */
export async function rssBytes(pid: number): Promise<number> {
  const status = await Bun.file(`/proc/${pid}/status`).text();
  return Number(status.match(/VmRSS:\s+(\d+) kB/)![1]) * 1024;
}

export function freePort(): number {
  const probe = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = probe.port;
  probe.stop(true);
  return port;
}

export interface BenchServer {
  kind: "ours" | "bare";
  proc: Subprocess<"ignore", "pipe", "inherit">;
  port: number;
  wsUrl: string;
  lines: string[];
  /** Full GC in the server, then its RSS and heap (ours logs them on SIGUSR2; bare answers /gc). */
  memory(): Promise<{ rss: number; heapUsed: number }>;
  stop(): Promise<void>;
}

async function waitFor(check: () => Promise<boolean>, what: string, ms = 20_000) {
  const deadline = Date.now() + ms;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await Bun.sleep(50);
  }
}

/** Starts our server (production build, silent but for what the bench reads) or the bare relay. */
export async function startServer(kind: "ours" | "bare", env: Record<string, string> = {}): Promise<BenchServer> {
  const port = freePort();
  const cmd = kind === "ours" ? ["bun", "src/server/main.ts"] : ["bun", "bench/bare-relay.ts"];
  const proc = Bun.spawn(cmd, {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: "production",
      LOG_LEVEL: "info",
      PORT: String(port),
      RATE_LIMIT_PER_SECOND: "1000000",
      RATE_LIMIT_BURST: "1000000",
      MAX_CONNECTIONS_PER_ADDRESS: "1000000",
      MAX_ROOMS: "1000000",
      ...env,
    },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "inherit",
  });
  const lines: string[] = [];
  const waiting: { on: ((line: string) => void) | null } = { on: null };
  void (async () => {
    const decoder = new TextDecoder();
    let partial = "";
    for await (const chunk of proc.stdout) {
      const parts = (partial + decoder.decode(chunk)).split("\n");
      partial = parts.pop() ?? "";
      // Join/leave logs would swamp memory in the churn run: keep only what is read.
      for (const l of parts) if (l.includes('"memory"') || l.includes('"error"')) {
        lines.push(l);
        waiting.on?.(l);
      }
    }
  })();
  await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok, `${kind} server up`);
  return {
    kind,
    proc,
    port,
    wsUrl: `ws://127.0.0.1:${port}${kind === "ours" ? "/ws" : "/"}`,
    lines,
    async memory() {
      if (kind === "bare") return (await fetch(`http://127.0.0.1:${port}/gc`)).json();
      const line = new Promise<string>((resolve) => {
        waiting.on = (l) => {
          if (l.includes('"memory"')) resolve(l);
        };
      });
      proc.kill("SIGUSR2");
      const m = JSON.parse(await line);
      waiting.on = null;
      return { rss: m.rss, heapUsed: m.heapUsed };
    },
    async stop() {
      proc.kill("SIGKILL");
      await proc.exited;
    },
  };
}

/** Runs a load-generator script as its own process; it prints one JSON result line. */
export async function runLoad<T>(script: string, args: Record<string, string | number>): Promise<T & { cpuSeconds: number; wallSeconds: number }> {
  const started = performance.now();
  const proc = Bun.spawn(["bun", script, JSON.stringify(args)], { cwd: ROOT, stdout: "pipe", stderr: "inherit" });
  const out = await new Response(proc.stdout).text();
  const code = await proc.exited;
  if (code !== 0) throw new Error(`${script} exited ${code}: ${out.slice(-500)}`);
  const result = JSON.parse(out.trim().split("\n").at(-1)!);
  return { ...result, wallSeconds: (performance.now() - started) / 1000 };
}
