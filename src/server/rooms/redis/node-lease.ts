/**
 * Node liveness: each node renews a lease in Redis (a score in a sorted set, in Redis's own
 * time) every third of its length, and every node sweeps every fifth of it for nodes whose
 * lease ran out, freeing their seats. A node killed without a word has its seats freed
 * within 1.2 leases of its last renewal. A node that cannot renew (Redis away, or a network
 * split) is taken for dead by the others after one lease, and puts its seats back when it
 * reaches Redis again.
 */
import type Redis from "ioredis";
import type { Logger } from "../../logger.ts";
import type { RedisRegistry } from "./redis-registry.ts";

export interface NodeLease {
  stop(): void;
}

export function holdNodeLease(client: Redis, registry: RedisRegistry, node: string, leaseMs: number, log: Logger): NodeLease {
  let ready = client.status === "ready";
  let lostSince = 0;

  const renew = async () => {
    try {
      await registry.renew(node, leaseMs);
    } catch (err) {
      if (client.status === "ready") {
        // Connected but not answered (a split that sent no reset): start over on a fresh connection.
        log.error("lease-renew-failed", { message: String(err) });
        client.disconnect(true);
      }
    }
  };
  const sweep = async () => {
    if (client.status !== "ready") return;
    try {
      for (const { room, state, reason } of await registry.sweep()) registry.emitFreed(room, state, reason);
    } catch (err) {
      log.error("sweep-failed", { message: String(err) });
    }
  };

  const onReady = () => {
    if (ready) return;
    ready = true;
    log.info("redis-reachable", { node, awayMs: lostSince ? Date.now() - lostSince : 0 });
    registry.emitReconnected();
  };
  const onLost = () => {
    if (!ready) return;
    ready = false;
    lostSince = Date.now();
    log.error("redis-unreachable", { node });
  };
  client.on("ready", onReady);
  client.on("close", onLost);
  client.on("end", onLost);

  const renewing = setInterval(renew, leaseMs / 3);
  const sweeping = setInterval(sweep, leaseMs / 5);
  void renew();
  return {
    stop() {
      clearInterval(renewing);
      clearInterval(sweeping);
      client.off("ready", onReady);
      client.off("close", onLost);
      client.off("end", onLost);
    },
  };
}
