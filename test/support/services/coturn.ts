/**
 * A real coturn (`turnserver`) on a loopback port with `use-auth-secret`, as an operator
 * runs it, minus TLS. Started for a test, ready when its own STUN client gets an answer,
 * stopped by its pid.
 */
import type { Subprocess } from "bun";
import { ensurePackage } from "./debian.ts";
import { freePort } from "./server-process.ts";
import { stopper } from "./stop-process.ts";

export interface Coturn {
  readonly port: number;
  readonly secret: string;
  /** turn: URLs for UDP and TCP on this server. */
  readonly urls: string;
  readonly pid: number;
  readonly logs: string[];
  /** Stops it (SIGTERM, then SIGKILL if it lingers) and waits for it to exit. */
  stop(): Promise<void>;
}

export async function startCoturn({ secret = "coturn-test-secret-0123456789", port = freePort() } = {}): Promise<Coturn> {
  const turnserver = ensurePackage("/usr/bin/turnserver", "coturn");
  const stunclient = "/usr/bin/turnutils_stunclient";
  // A relay port range of its own per instance, so parallel instances do not collide.
  const minPort = 20_000 + (port % 200) * 200;
  const proc: Subprocess<"ignore", "pipe", "pipe"> = Bun.spawn(
    [
      turnserver,
      "-n",
      "--listening-ip=127.0.0.1",
      "--relay-ip=127.0.0.1",
      `--listening-port=${port}`,
      `--min-port=${minPort}`,
      `--max-port=${minPort + 199}`,
      "--realm=roomcall.test",
      "--fingerprint",
      "--use-auth-secret",
      `--static-auth-secret=${secret}`,
      "--no-tls",
      "--no-dtls",
      "--no-cli",
      "--no-multicast-peers",
      // Tests relay between pages on this machine; production denies loopback peers.
      "--allow-loopback-peers",
      "--log-file=stdout",
      "--simple-log",
    ],
    { stdin: "ignore", stdout: "pipe", stderr: "pipe" },
  );
  const logs: string[] = [];
  for (const stream of [proc.stdout, proc.stderr]) {
    void (async () => {
      const decoder = new TextDecoder();
      for await (const chunk of stream) logs.push(...decoder.decode(chunk).split("\n").filter(Boolean));
    })();
  }
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`turnserver exited (${proc.exitCode}): ${logs.slice(-10).join("\n")}`);
    // The probe retries by itself while nothing answers: bound each try.
    const probe = Bun.spawnSync(["timeout", "1", stunclient, "-p", String(port), "127.0.0.1"], { stdout: "pipe", stderr: "pipe" });
    if (probe.exitCode === 0 && /UDP reflexive addr/i.test(probe.stdout.toString())) break;
    if (Date.now() > deadline) throw new Error(`turnserver did not answer STUN: ${logs.slice(-10).join("\n")}`);
    await Bun.sleep(100);
  }
  return {
    port,
    secret,
    urls: `turn:127.0.0.1:${port}?transport=udp,turn:127.0.0.1:${port}?transport=tcp`,
    pid: proc.pid,
    logs,
    stop: stopper(proc),
  };
}
