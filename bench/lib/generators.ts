/**
 * Load generators run as their own processes, apart from the server and from the bench,
 * so that each one's CPU is its own. A generator takes its arguments as one JSON argv and
 * prints one JSON result line last.
 */
import { onCpus } from "./placement.ts";
import { ROOT } from "./servers.ts";

/** Hard stop for any generator: every load is bounded in time as well as in count. */
const GENERATOR_TIMEOUT_MS = 120_000;

/** Runs a generator to its end (on the CPUs of `cpus`, if given: placement.ts) and returns its result. */
export async function runLoad<T>(script: string, args: Record<string, unknown>, cpus?: string): Promise<T & { wallSeconds: number }> {
  const started = performance.now();
  const proc = Bun.spawn(onCpus(["bun", script, JSON.stringify(args)], cpus), { cwd: ROOT, stdout: "pipe", stderr: "inherit", timeout: GENERATOR_TIMEOUT_MS, killSignal: "SIGKILL" });
  const out = await new Response(proc.stdout).text();
  const code = await proc.exited;
  if (code !== 0) throw new Error(`${script} exited ${code}: ${out.slice(-500)}`);
  const result = JSON.parse(out.trim().split("\n").at(-1)!);
  return { ...result, wallSeconds: (performance.now() - started) / 1000 };
}

/** A generator that sets something up, says so on a JSON line, and holds it until released. */
export interface Holder<T> {
  ready: T;
  /** Closes what it holds and waits for it to exit; resolves to its last JSON line. */
  release(): Promise<unknown>;
}

export async function startHolder<T>(script: string, args: Record<string, unknown>): Promise<Holder<T>> {
  const proc = Bun.spawn(["bun", script, JSON.stringify(args)], { cwd: ROOT, stdin: "pipe", stdout: "pipe", stderr: "inherit", timeout: GENERATOR_TIMEOUT_MS, killSignal: "SIGKILL" });
  const reader = proc.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`${script} ended before it was ready (exit ${await proc.exited})`);
    text += value;
  }
  const [first, rest] = [text.slice(0, text.indexOf("\n")), text.slice(text.indexOf("\n") + 1)];
  return {
    ready: JSON.parse(first) as T,
    async release() {
      proc.stdin.write("stop\n");
      await proc.stdin.end();
      let tail = rest;
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        tail += value;
      }
      await proc.exited;
      const last = tail.trim().split("\n").at(-1);
      return last ? JSON.parse(last) : null;
    },
  };
}
