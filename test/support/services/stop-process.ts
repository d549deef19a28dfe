/** Stopping a service a test started, by its pid. */
import type { Subprocess } from "bun";

/** How long a service gets to exit on SIGTERM before it is killed. */
const GRACE_MS = 3000;

/**
 * A stop for `proc`: SIGTERM, then SIGKILL if it lingers, resolved once it has exited.
 * Calling it again waits for the same stop.
 */
export function stopper(proc: Subprocess): () => Promise<void> {
  let stopped: Promise<void> | null = null;
  return () =>
    (stopped ??= (async () => {
      proc.kill("SIGTERM");
      const killer = setTimeout(() => proc.kill("SIGKILL"), GRACE_MS);
      await proc.exited;
      clearTimeout(killer);
    })());
}
