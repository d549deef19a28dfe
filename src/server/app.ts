/** The HTTP application: health, the signaling upgrade, and the site. */
import type { Server } from "bun";
import { Hono } from "hono";
import type { Assets } from "./assets.ts";
import type { Config } from "./config.ts";
import type { Connection } from "./connection.ts";
import type { Logger } from "./logger.ts";
import { isOriginAllowed, pinnedHost } from "./origin.ts";
import type { Rooms } from "./rooms/rooms.ts";
import { createSignaling, type Signaling } from "./signaling.ts";
import { createSite, notFoundPage } from "./site.tsx";

export interface AppDeps {
  config: Config;
  rooms: Rooms;
  log: Logger;
  assets: Assets;
}

/** Bun passes its Server to `fetch` as the second argument: Hono's `c.env`. */
export type AppEnv = { Bindings: Server<Connection> };

export interface App {
  fetch: (req: Request, server: Server<Connection>) => Response | Promise<Response>;
  signaling: Signaling;
}

export function createApp({ config, rooms, log, assets }: AppDeps): App {
  const signaling = createSignaling(config, rooms, log);
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

  // With Redis: rooms of the whole cluster, and whether this node reaches Redis (null rooms: it does not).
  app.get("/healthz", async (c) => {
    const store = rooms.store();
    const count = await rooms.roomCount().catch(() => null);
    const redis = store.kind === "redis" ? { redis: store.reachable ? "reachable" : "unreachable" } : {};
    return c.json({ ok: true, connections: signaling.connectionCount(), rooms: count, ...redis });
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
    const address = c.env.requestIP(c.req.raw)?.address ?? "unknown";
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
    log.error("http-error", { path: c.req.path, message: String(err) });
    return c.text("Something went wrong on the server.", 500);
  });

  return { fetch: app.fetch, signaling };
}
