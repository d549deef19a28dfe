/**
 * Several real server processes sharing rooms through one real redis-server, as an
 * operator runs them behind a load balancer. Everything started is stopped by its pid.
 */
import { type RedisServer, startRedis } from "./redis-server.ts";
import { type ServerProcess, spawnServer } from "./server-process.ts";

export interface ClusterNode extends ServerProcess {
  /** The node id it took in the cluster (from its log). */
  readonly node: string;
}

export interface Cluster {
  redis: RedisServer;
  nodes: ClusterNode[];
  /** One more node with the cluster's settings (and `env`). */
  add(env?: Record<string, string>): Promise<ClusterNode>;
  stop(): Promise<void>;
}

export const CLUSTER_SECRET = "a-cluster-wide-resume-secret-0123456789";

export async function spawnNode(env: Record<string, string>): Promise<ClusterNode> {
  const s = await spawnServer({ RESUME_SECRET: CLUSTER_SECRET, ...env });
  const line = s.logs.find((l) => l.includes('"cluster-node"'));
  if (!line) {
    s.proc.kill("SIGKILL");
    throw new Error(`no cluster-node line in the log: ${s.logs.join("\n")}`);
  }
  return Object.assign(s, { node: JSON.parse(line).node as string });
}

export async function startCluster(count: number, env: Record<string, string> = {}): Promise<Cluster> {
  const redis = await startRedis();
  const nodes: ClusterNode[] = [];
  const add = async (more: Record<string, string> = {}) => {
    const n = await spawnNode({ REDIS_URL: redis.url, ...env, ...more });
    nodes.push(n);
    return n;
  };
  try {
    for (let i = 0; i < count; i++) await add();
  } catch (err) {
    for (const n of nodes) n.proc.kill("SIGKILL");
    await redis.stop();
    throw err;
  }
  const cluster: Cluster = {
    // A test may restart it: the cluster stops whichever is current.
    redis,
    nodes,
    add,
    async stop() {
      for (const n of nodes) if (n.proc.exitCode === null && n.proc.signalCode === null) n.proc.kill("SIGKILL");
      await Promise.all(nodes.map((n) => n.proc.exited));
      await cluster.redis.stop();
    },
  };
  return cluster;
}
