/** The real server as its own process, as an operator runs it. */
import type { Subprocess } from "bun";
import * as path from "node:path";

const ROOT = path.resolve(import.meta.dir, "../../..");

export interface ServerProcess {
  readonly proc: Subprocess<"ignore", "pipe", "inherit">;
  readonly port: number;
  readonly url: string;
  readonly wsUrl: string;
  /** Every log line the server printed so far. */
  readonly logs: string[];
  stop(): Promise<number>;
}

/** A port that was free a moment ago. */
export function freePort(): number {
  const probe = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = probe.port;
  probe.stop(true);
  return port;
}

/**
 * Starts `bun src/server/main.ts` on a free port (or `env.PORT`) and waits until it answers
 * /healthz. With `env.HOST` set to one address (say a veth's), `url` is on that address; with
 * 0.0.0.0 or none, on 127.0.0.1.
 */
export async function spawnServer(env: Record<string, string> = {}): Promise<ServerProcess> {
  const port = Number(env.PORT ?? freePort());
  const host = !env.HOST || env.HOST === "0.0.0.0" ? "127.0.0.1" : env.HOST;
  const proc = Bun.spawn(["bun", "src/server/main.ts"], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: "info", NODE_ENV: "production", ...env, PORT: String(port) },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "inherit",
  });
  // Keep draining the log so the pipe never fills up.
  const logs: string[] = [];
  const reader = proc.stdout.getReader();
  const decoder = new TextDecoder();
  let partial = "";
  void (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      const lines = (partial + decoder.decode(value)).split("\n");
      partial = lines.pop() ?? "";
      logs.push(...lines.filter(Boolean));
    }
  })();
  const url = `http://${host}:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`server exited (${proc.exitCode}): ${logs.join("\n")}`);
    if (Date.now() > deadline) throw new Error(`server did not start: ${logs.join("\n")}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      await Bun.sleep(50);
    }
  }
  return {
    proc,
    port,
    url,
    wsUrl: `ws://${host}:${port}/ws`,
    logs,
    async stop() {
      proc.kill("SIGTERM");
      return proc.exited;
    },
  };
}
