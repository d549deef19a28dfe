/** The registry contract on both backends: the embedded map, and a real redis-server. */
import { afterAll, beforeAll } from "bun:test";
import Redis from "ioredis";
import { createMemoryRegistry } from "../../../src/server/rooms/memory-registry.ts";
import { createRedisRegistry } from "../../../src/server/rooms/redis/redis-registry.ts";
import { type RedisServer, startRedis } from "../../support/services/redis-server.ts";
import { registryContract } from "./registry-contract.ts";

const OPTIONS = { capacity: 2, maxRooms: 3 };

registryContract("embedded", async () => createMemoryRegistry(OPTIONS));

let redis: RedisServer;
const clients: Redis[] = [];
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  for (const c of clients) c.disconnect();
  await redis?.stop();
});

registryContract("Redis", async () => {
  const client = new Redis(redis.url, { maxRetriesPerRequest: 0 });
  clients.push(client);
  await client.flushdb();
  if (client.status !== "ready") await new Promise((resolve) => client.once("ready", resolve));
  return createRedisRegistry(client, { ...OPTIONS, leaseMs: 10_000 });
});
