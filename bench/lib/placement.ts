/**
 * Which CPUs a run's server and load generator are kept on. Left to the scheduler, a
 * server and a generator that each use a fraction of a core sometimes share one and
 * sometimes not, and on loopback that alone moves the server's kernel time per message
 * by half or more (a send wakes its reader on the same core, or on another): a comparison
 * at partial load would follow where the scheduler put each run rather than the servers.
 * Runs that compare servers so keep every server on CPU 0 and the generator on the others,
 * as a server with its clients elsewhere runs. Uses taskset(1); null where it or a second
 * CPU is missing, and the scheduler decides.
 */
import { availableParallelism } from "node:os";

export interface Placement {
  /** taskset's CPU list for the server. */
  server: string;
  /** taskset's CPU list for the generator. */
  generator: string;
}

const cpus = availableParallelism();

export const SEPARATE_CORES: Placement | null =
  cpus >= 2 && Bun.which("taskset") !== null ? { server: "0", generator: cpus === 2 ? "1" : `1-${cpus - 1}` } : null;

/** `cmd` run on the CPUs of `list` (and so every thread it starts), or as it is without a list. */
export const onCpus = (cmd: string[], list: string | undefined): string[] => (list === undefined ? cmd : ["taskset", "-c", list, ...cmd]);
