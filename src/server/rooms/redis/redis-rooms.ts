/**
 * Connects a node to the cluster's Redis: the registry and the node link on two
 * connections (a subscribed one can do nothing else), and the node's lease. Start-up waits
 * for Redis: a node that cannot reach it at all serves nobody well.
 */
import Redis from "ioredis";
import type { Logger } from "../../logger.ts";
import { randomId } from "../../random-id.ts";
import type { NodeLink } from "../node-link.ts";
import type { SharedRegistry } from "../registry.ts";
import { holdNodeLease } from "./node-lease.ts";
import { createRedisLink } from "./redis-link.ts";
import { createRedisRegistry } from "./redis-registry.ts";

export interface RedisRoomsOptions {
  url: string;
  /** Hears how long each registry command took. */
  timed?: (command: string, seconds: number) => void;
  leaseMs: number;
  capacity: number;
  maxRooms: number;
  log: Logger;
  /** How long start-up waits for Redis. */
  connectTimeoutMs?: number;
}

/** A command that gets no answer in this long fails (and the join with it is `unavailable`). */
const COMMAND_TIMEOUT_MS = 2000;

export async function connectRedisRooms({ url, leaseMs, capacity, maxRooms, log, timed, connectTimeoutMs = 10_000 }: RedisRoomsOptions): Promise<{ registry: SharedRegistry; link: NodeLink }> {
  const node = randomId(9);
  const options = {
    // A command in flight when the connection drops fails rather than waits for the next one.
    maxRetriesPerRequest: 0,
    commandTimeout: COMMAND_TIMEOUT_MS,
    // Reconnect soon, and keep trying: every 100 ms at first, then every second.
    retryStrategy: (times: number) => Math.min(times * 100, 1000),
    connectionName: `roomcall-${node}`,
    lazyConnect: true,
  };
  const client = new Redis(url, options);
  const subscriber = new Redis(url, { ...options, connectionName: `roomcall-${node}-sub`, commandTimeout: undefined });
  // ioredis reports every failed reconnect as an error; the lease logs the change of state once.
  for (const c of [client, subscriber]) c.on("error", () => {});
  const deadline = AbortSignal.timeout(connectTimeoutMs);
  const connect = (c: Redis) =>
    new Promise<void>((resolve, reject) => {
      const give = () => reject(new Error(`REDIS_URL: could not reach ${url} in ${connectTimeoutMs} ms`));
      deadline.addEventListener("abort", give, { once: true });
      c.once("ready", () => {
        deadline.removeEventListener("abort", give);
        resolve();
      });
      c.connect().catch(() => {});
    });
  try {
    await Promise.all([connect(client), connect(subscriber)]);
  } catch (err) {
    client.disconnect();
    subscriber.disconnect();
    throw err;
  }
  const registry = createRedisRegistry(client, { capacity, maxRooms, leaseMs, timed });
  await registry.renew(node, leaseMs);
  const link = await createRedisLink(client, subscriber, node, (err) => log.error("node-message-invalid", { message: String(err) }));
  const lease = holdNodeLease(client, registry, node, leaseMs, log);
  log.info("cluster-node", { node, leaseSeconds: leaseMs / 1000 });
  return {
    link,
    registry: {
      ...registry,
      async stop() {
        lease.stop();
        client.disconnect();
        subscriber.disconnect();
      },
    },
  };
}
