/** Entry point: parse the environment once, start, and shut down cleanly on signals. */
import { ConfigError, parseConfig } from "./config.ts";
import { startServer } from "./server.ts";

let config;
try {
  config = parseConfig(process.env);
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  console.error(err.message);
  process.exit(1);
}

// Development rebuilds the components on change; production builds them once, minified.
const server = await startServer(config, { watch: !config.production }).catch((err: unknown) => {
  // e.g. REDIS_URL names a Redis that does not answer: say so and stop, as for a bad setting.
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
server.log.info("listening", { url: server.url, port: server.port });

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  server.log.info("shutdown", { signal });
  await server.shutdown();
  process.exit(0);
};
// Operators (and the benchmarks) ask for memory figures after a full collection.
process.on("SIGUSR2", () => {
  Bun.gc(true);
  const m = process.memoryUsage();
  server.log.info("memory", { rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal });
});
process.on("SIGTERM", () => void stop("SIGTERM"));
process.on("SIGINT", () => void stop("SIGINT"));
