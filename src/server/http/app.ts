/** The HTTP application: health, the signaling upgrade, and the site. */
import type { Server } from "bun";
import { Hono } from "hono";
import { bearerAuth } from "hono/bearer-auth";
import { HTTPException } from "hono/http-exception";
import type { Assets } from "./assets.ts";
import { createClientAddress } from "./client-address.ts";
import type { Metrics } from "./metrics.ts";
import type { Config } from "../config.ts";
import type { Connection } from "../signaling/connection.ts";
import type { Logger } from "../logger.ts";
import { isOriginAllowed, pinnedHost } from "./origin.ts";
import type { Rooms } from "../rooms/rooms.ts";
import { createSignaling, type Signaling } from "../signaling/signaling.ts";
import { createSite, notFoundPage, pageHeaders } from "./site.tsx";

export interface AppDeps {
  config: Config;
  metrics: Metrics;
  rooms: Rooms;
  log: Logger;
  assets: Assets;
}

/** Bun passes its Server to `fetch` as the second argument: Hono's `c.env`. */
export type AppEnv = { Bindings: Server<Connection> };

export interface App {
  fetch: (req: Request, server: Server<Connection>) => Response | Promise<Response>;
  signaling: Signaling;
  /** Stops taking new sockets; /readyz says so from now on. */
  drain(): void;
}

export function createApp({ config, metrics, rooms, log, assets }: AppDeps): App {
  const signaling = createSignaling(config, rooms, log, metrics);
  metrics.watch({
    rooms: () => rooms.roomCount(),
    connections: () => signaling.connectionCount(),
    redisReachable: () => {
      const store = rooms.store();
      return store.kind === "redis" ? store.reachable : null;
    },
  });
  const clientAddress = createClientAddress(config.trustedProxies);
  let draining = false;
  const app = new Hono<AppEnv>();

  // With a pinned public origin, only requests for its host name are answered: a page on
  // another name that resolves here (DNS rebinding) gets nothing. The health check stays
  // open to monitoring on the machine itself.
  const host = pinnedHost(config.publicOrigin);
  if (host !== null) {
    app.use("*", async (c, next) => {
      if (c.req.path === "/healthz" || c.req.header("host")?.toLowerCase() === host) return next();
      return c.text(`This server answers for ${host} only.`, 421);
    });
  }

  // Every answer carries the security headers: pages, fragments and the 404 alike.
  app.use("*", pageHeaders);

  // With Redis: rooms of the whole cluster, and whether this node reaches Redis (null rooms: it does not).
  app.get("/healthz", async (c) => {
    const store = rooms.store();
    const count = await rooms.roomCount().catch(() => null);
    const redis = store.kind === "redis" ? { redis: store.reachable ? "reachable" : "unreachable" } : {};
    return c.json({ ok: true, connections: signaling.connectionCount(), rooms: count, ...redis });
  });

  // Liveness is /healthz; readiness says whether to send new clients here.
  app.get("/readyz", (c) => {
    if (draining) return c.json({ ready: false, reason: "draining" }, 503);
    const store = rooms.store();
    if (store.kind === "redis" && !store.reachable) return c.json({ ready: false, reason: "redis-unreachable" }, 503);
    return c.json({ ready: true });
  });

  if (config.metricsToken !== null) app.use("/metrics", bearerAuth({ token: config.metricsToken }));
  app.get("/metrics", async (c) => {
    c.header("Content-Type", metrics.registry.contentType);
    c.header("Cache-Control", "no-store");
    return c.body(await metrics.registry.metrics());
  });

  app.get("/ws", (c) => {
    const origin = c.req.header("origin");
    if (!isOriginAllowed(origin, c.req.header("host"), config.allowedOrigins, config.publicOrigin)) {
      log.info("origin-refused", { origin });
      return c.text("This origin may not use the signaling server.", 403);
    }
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
      return c.text("This endpoint speaks WebSocket only.", 426);
    }
    if (draining) return c.text("This server is shutting down: connect to another.", 503);
    // Behind trusted proxies, limits and logs go by the real client's address.
    const address = clientAddress(c.env.requestIP(c.req.raw)?.address ?? "unknown", c.req.header("x-forwarded-for"));
    const connection = signaling.admit(address);
    if (connection === "too-many") return c.text("Too many connections from this address.", 429);
    if (connection === "banned") return c.text("This address flooded the server and must wait before connecting again.", 429);
    // The protocol defines no subprotocol, so none is agreed to, whatever the client asks
    // for: Bun would echo the first one asked, and sends none for an empty value.
    if (!c.env.upgrade(c.req.raw, { data: connection, headers: { "Sec-WebSocket-Protocol": "" } })) {
      signaling.abandon(connection);
      return c.text("WebSocket upgrade failed.", 400);
    }
    // Bun has taken over the socket; this response is not sent.
    return new Response(null);
  });

  app.route("/", createSite({ config, rooms, assets }));
  app.notFound(notFoundPage(assets));
  app.onError((err, c) => {
    // A middleware's own refusal (e.g. bearer-auth's 401) is an answer, not a failure.
    if (err instanceof HTTPException) return err.getResponse();
    log.error("http-error", { path: c.req.path, message: String(err) });
    return c.text("Something went wrong on the server.", 500);
  });

  return {
    fetch: app.fetch,
    signaling,
    drain: () => {
      draining = true;
    },
  };
}
