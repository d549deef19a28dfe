/**
 * The servers under test, each as its own process on loopback: ours (the real entry point,
 * production mode), the bare relay baseline, and the baseline's JSON-only variants.
 */
import type { Subprocess } from "bun";
import * as path from "node:path";
import { onCpus } from "./placement.ts";

export const ROOT = path.resolve(import.meta.dir, "../..");

/** The baseline, ours, and the baseline plus JSON work only (diagnostics, `json-relay.ts`). */
export type Kind = "bare" | "ours" | "json-rebuild" | "json-splice";

const COMMANDS: Record<Kind, { cmd: string[]; env?: Record<string, string> }> = {
  bare: { cmd: ["bun", "bench/server/bare-relay.ts"] },
  ours: { cmd: ["bun", "src/server/main.ts"] },
  "json-rebuild": { cmd: ["bun", "bench/server/json-relay.ts"], env: { RELAY_MODE: "rebuild" } },
  "json-splice": { cmd: ["bun", "bench/server/json-relay.ts"], env: { RELAY_MODE: "splice" } },
};

export interface BenchServer {
  kind: Kind;
  pid: number;
  port: number;
  wsUrl: string;
  /** Lines the server printed that the bench reads: memory reports and errors. */
  lines: string[];
  /**
   * A full collection in the server (SIGUSR2: both run Bun.gc(true) and print
   * process.memoryUsage()), twice with a pause so freed pages can go back; then its figures.
   */
  memory(): Promise<{ rss: number; heapUsed: number }>;
  stop(): Promise<void>;
}

/**
 * The runtime setting `bun run start` gives the server (README, "Configuration"): Bun's
 * allocator keeps the memory it frees for reuse for 10 s, rather than a few ms. Every server here runs with it, the
 * baselines too, so that each comparison is of servers on the same runtime.
 */
export const RUNTIME_ENV = { MIMALLOC_PURGE_DELAY: "10000" };

/** Ours runs with its limits out of the way of the load; sections may override any of it. */
const OURS_ENV = {
  NODE_ENV: "production",
  LOG_LEVEL: "silent",
  RATE_LIMIT_PER_SECOND: "1000000",
  RATE_LIMIT_BURST: "1000000",
  RATE_LIMIT_BYTES_PER_SECOND: "1000000000",
  RATE_LIMIT_BYTES_BURST: "1000000000",
  ADDRESS_RATE_LIMIT_BYTES_PER_SECOND: "1000000000",
  ADDRESS_RATE_LIMIT_BYTES_BURST: "1000000000",
  MAX_CONNECTIONS_PER_ADDRESS: "1000000",
  MAX_ROOMS: "1000000",
};

function freePort(): number {
  const probe = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = probe.port;
  probe.stop(true);
  return port;
}

async function waitFor(check: () => Promise<boolean>, what: string, ms = 20_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await Bun.sleep(50);
  }
}

/** Keeps the lines the bench asks about; drains (and drops) the rest, so logging never blocks. */
function watchLines(proc: Subprocess<"ignore", "pipe", "inherit">) {
  const lines: string[] = [];
  // In an object, so that the type checker sees the reader's later assignments.
  const waiting: { on: ((line: string) => void) | null } = { on: null };
  void (async () => {
    const decoder = new TextDecoder();
    let partial = "";
    for await (const chunk of proc.stdout) {
      const parts = (partial + decoder.decode(chunk, { stream: true })).split("\n");
      partial = parts.pop() ?? "";
      for (const l of parts) {
        if (!l.includes('"memory"') && !l.includes('"level":"error"')) continue;
        lines.push(l);
        waiting.on?.(l);
      }
    }
  })();
  const next = (match: string, ms = 10_000) =>
    new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no ${match} line within ${ms} ms`)), ms);
      waiting.on = (l) => {
        if (!l.includes(match)) return;
        clearTimeout(t);
        waiting.on = null;
        resolve(l);
      };
    });
  return { lines, next };
}

/** Where a server runs: the tree at `root` (this one unless said), on the CPUs of `cpus` (any unless said; placement.ts). */
export interface ServerOptions {
  root?: string;
  cpus?: string;
}

/** `env` may unset a variable by giving it as undefined. */
async function startServer(kind: Kind, env: Record<string, string | undefined> = {}, { root = ROOT, cpus }: ServerOptions = {}): Promise<BenchServer> {
  const port = freePort();
  const proc = Bun.spawn(onCpus(COMMANDS[kind].cmd, cpus), {
    cwd: root,
    env: Object.fromEntries(
      Object.entries({ ...process.env, ...RUNTIME_ENV, ...OURS_ENV, ...COMMANDS[kind].env, PORT: String(port), HOST: "127.0.0.1", ...env }).filter(([, v]) => v !== undefined),
    ) as Record<string, string>,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "inherit",
  });
  const { lines, next } = watchLines(proc);
  await waitFor(async () => {
    // A port found free a moment ago may have been taken since: then this server has exited.
    if (proc.exitCode !== null) throw new Error(`${kind} server exited (${proc.exitCode})`);
    return fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
  }, `${kind} server up`);
  if (proc.exitCode !== null) throw new Error(`${kind} server exited (${proc.exitCode})`);
  const gc = async () => {
    const line = next('"memory"');
    proc.kill("SIGUSR2");
    return JSON.parse(await line) as { rss: number; heapUsed: number };
  };
  return {
    kind,
    pid: proc.pid,
    port,
    wsUrl: `ws://127.0.0.1:${port}${kind === "ours" ? "/ws" : "/"}`,
    lines,
    async memory() {
      if (kind === "ours" && (env.LOG_LEVEL ?? OURS_ENV.LOG_LEVEL) !== "info") throw new Error("ours reports memory at LOG_LEVEL=info only");
      await gc();
      await Bun.sleep(500);
      const m = await gc();
      return { rss: m.rss, heapUsed: m.heapUsed };
    },
    async stop() {
      proc.kill("SIGKILL");
      await proc.exited;
    },
  };
}

/** Runs `f` against a fresh server and always stops it. */
export async function withServer<T>(kind: Kind, env: Record<string, string | undefined>, f: (s: BenchServer) => Promise<T>, options: ServerOptions = {}): Promise<T> {
  const s = await startServer(kind, env, options);
  try {
    return await f(s);
  } finally {
    await s.stop();
  }
}
