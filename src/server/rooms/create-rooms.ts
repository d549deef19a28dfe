/** The rooms a server process uses: embedded without REDIS_URL, shared through Redis with it. */
import type { Config } from "../config.ts";
import type { Logger } from "../logger.ts";
import { createMemoryRegistry } from "./memory-registry.ts";
import { loneNode } from "./node-link.ts";
import { createRoomHub } from "./room-hub.ts";
import type { Rooms } from "./rooms.ts";

/** `timed` hears how long each Redis command took (for the metrics). */
export async function createRooms(config: Config, log: Logger, timed?: (command: string, seconds: number) => void): Promise<Rooms> {
  if (config.redis === null) {
    return createRoomHub(createMemoryRegistry({ capacity: config.roomCapacity, maxRooms: config.maxRooms }), loneNode(), log);
  }
  // Loaded only here: a process without Redis carries none of the client's code.
  const { connectRedisRooms } = await import("./redis/redis-rooms.ts");
  const { registry, link } = await connectRedisRooms({
    url: config.redis.url,
    leaseMs: config.redis.leaseSeconds * 1000,
    capacity: config.roomCapacity,
    maxRooms: config.maxRooms,
    log,
    timed,
  });
  return createRoomHub(registry, link, log, { settleMs: config.redis.leaseSeconds * 1000 });
}
