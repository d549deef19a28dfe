/** Starts the app on Bun.serve; used by main.ts and by tests on an ephemeral port. */
import { CLOSE } from "../shared/protocol.ts";
import { createApp } from "./http/app.ts";
import { type Assets, createAssets } from "./http/assets.ts";
import type { Config } from "./config.ts";
import { createLogger, type Logger } from "./logger.ts";
import { createMetrics } from "./http/metrics.ts";
import { createRooms } from "./rooms/create-rooms.ts";
import type { Rooms } from "./rooms/rooms.ts";

/** How long connections get to finish once every socket was told to go, before the rest are cut. */
const STOP_GRACE_MS = 1000;

export interface RunningServer {
  readonly port: number;
  /** e.g. http://127.0.0.1:3000 */
  readonly url: string;
  readonly log: Logger;
  /** Tells every socket 1001, stops listening; resolves when connections are gone. */
  shutdown(): Promise<void>;
}

export interface ServerOptions {
  log?: Logger;
  rooms?: Rooms;
  /** A bundle built elsewhere (tests share one); otherwise built here. */
  assets?: Assets;
  /** Rebuild the bundle on source changes (development). */
  watch?: boolean;
}

export async function startServer(config: Config, options: ServerOptions = {}): Promise<RunningServer> {
  const log = options.log ?? createLogger(config.logLevel);
  const metrics = createMetrics();
  const rooms = options.rooms ?? (await createRooms(config, log, metrics.redisCommand));
  const ownAssets = options.assets ? null : await createAssets({ production: config.production, watch: options.watch ?? false });
  const assets = options.assets ?? ownAssets!;
  const app = createApp({ config, metrics, rooms, log, assets });
  const server = Bun.serve({
    port: config.port,
    hostname: config.host,
    fetch: app.fetch,
    websocket: app.signaling.websocket,
  });
  const port = server.port ?? config.port;
  const host = config.host.includes(":") ? `[${config.host}]` : config.host;
  return {
    port,
    url: `http://${host}:${port}`,
    log,
    async shutdown() {
      // Draining: no new sockets, /readyz says so, and a load balancer has DRAIN_SECONDS to
      // notice; then every peer is told to reconnect (to another node) and resume.
      app.drain();
      if (config.drainSeconds > 0) await Bun.sleep(config.drainSeconds * 1000);
      app.signaling.closeAll(CLOSE.goingAway, "Server shutting down: reconnect to resume");
      // Close handshakes and requests in flight get a moment; a connection that neither
      // finishes nor closes (a request head never completed) would otherwise hold the exit
      // until Bun's idle timeout, and the peers' resume with it.
      const stopped = server.stop();
      if (!(await Promise.race([stopped.then(() => true), Bun.sleep(STOP_GRACE_MS).then(() => false)]))) await server.stop(true);
      // With other nodes, its seats go back for a resume there (at once, not when a lease runs out).
      await rooms.close(config.resumeGraceSeconds);
      await ownAssets?.dispose();
    },
  };
}
