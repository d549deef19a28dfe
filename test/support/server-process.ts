/** The real server as its own process, as an operator runs it. */
import type { Subprocess } from "bun";
import * as path from "node:path";

const ROOT = path.resolve(import.meta.dir, "../..");

export interface ServerProcess {
  readonly proc: Subprocess<"ignore", "pipe", "inherit">;
  readonly port: number;
  readonly url: string;
  readonly wsUrl: string;
  stop(): Promise<number>;
}

/** Starts `bun src/server/main.ts` on a free port and waits for its "listening" log line. */
export async function spawnServer(env: Record<string, string> = {}): Promise<ServerProcess> {
  const proc = Bun.spawn(["bun", "src/server/main.ts"], {
    cwd: ROOT,
    env: { ...process.env, PORT: "0", LOG_LEVEL: "info", NODE_ENV: "production", ...env },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "inherit",
  });
  const reader = proc.stdout.getReader();
  const decoder = new TextDecoder();
  let out = "";
  let port = 0;
  const deadline = Date.now() + 20_000;
  while (!port) {
    if (Date.now() > deadline) throw new Error(`server did not start: ${out}`);
    const { value, done } = await reader.read();
    if (done) throw new Error(`server exited early: ${out}`);
    out += decoder.decode(value);
    const m = out.match(/"event":"listening".*"port":(\d+)/);
    if (m) port = Number(m[1]);
  }
  // Keep draining the log so the pipe never fills up.
  void (async () => {
    while (!(await reader.read()).done);
  })();
  const url = `http://127.0.0.1:${port}`;
  return {
    proc,
    port,
    url,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    async stop() {
      proc.kill("SIGTERM");
      return proc.exited;
    },
  };
}
