/**
 * A real redis-server on a loopback port with no persistence, as the cluster tests need
 * it: started for a test, ready when it answers PING, stopped (or paused) by its pid.
 */
import type { Subprocess } from "bun";
import { ensurePackage } from "./debian.ts";
import { freePort } from "./server-process.ts";
import { stopper } from "./stop-process.ts";

export interface RedisServer {
  readonly port: number;
  /** redis://127.0.0.1:<port>/0 */
  readonly url: string;
  readonly pid: number;
  /** Stops it (SIGTERM, then SIGKILL if it lingers) and waits for it to exit. Harmless twice. */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty (what a restart without persistence leaves). */
  restart(): Promise<RedisServer>;
}

export async function startRedis(port = freePort()): Promise<RedisServer> {
  const bin = ensurePackage("/usr/bin/redis-server", "redis-server");
  const proc: Subprocess<"ignore", "pipe", "pipe"> = Bun.spawn(
    [bin, "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "yes", "--loglevel", "warning"],
    { stdin: "ignore", stdout: "pipe", stderr: "pipe" },
  );
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`redis-server exited (${proc.exitCode}): ${await new Response(proc.stdout).text()}`);
    if (await ping(port)) break;
    if (Date.now() > deadline) throw new Error("redis-server did not answer PING");
    await Bun.sleep(25);
  }
  const server: RedisServer = {
    port,
    url: `redis://127.0.0.1:${port}/0`,
    pid: proc.pid,
    stop: stopper(proc),
    async restart() {
      await server.stop();
      return startRedis(port);
    },
  };
  return server;
}

/** One PING over a raw socket: true when it answers PONG. */
async function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), 500);
    Bun.connect({
      hostname: "127.0.0.1",
      port,
      socket: {
        open: (s) => void s.write("PING\r\n"),
        data: (s, d) => {
          clearTimeout(t);
          resolve(d.toString().startsWith("+PONG"));
          s.end();
        },
        error: () => resolve(false),
        connectError: () => (clearTimeout(t), resolve(false)),
      },
    }).catch(() => resolve(false));
  });
}
