/** The server-rendered site: real pages, a plain GET form, small HTML fragments, assets. */
import { Hono } from "hono";
import type { Context } from "hono";
import { cors } from "hono/cors";
import { secureHeaders } from "hono/secure-headers";
import type { Child } from "hono/jsx";
import * as path from "node:path";
import { ROOT, type Assets } from "./assets.ts";
import type { Config } from "../config.ts";
import { BadRoomPage, NotFoundPage } from "./pages/error-page.tsx";
import { StylesheetUrl } from "./pages/layout.tsx";
import { HomePage } from "./pages/home-page.tsx";
import { LoopbackPage } from "./pages/loopback-page.tsx";
import { OccupancyFragment } from "./pages/occupancy-fragment.tsx";
import { RoomPage } from "./pages/room-page.tsx";
import { createJoinTokens } from "../credentials/join-tokens.ts";
import { isOriginAllowed } from "./origin.ts";
import { createRoomRule } from "../../shared/room-name.ts";
import type { Rooms } from "../rooms/rooms.ts";

/**
 * The headers of every page. Pages load only same-origin scripts and styles; media and
 * signaling stay same-origin. Lit's styles are constructable stylesheets, which style-src
 * does not restrict. No referrer: room names are in URLs.
 */
export const pageHeaders = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", "data:"],
    mediaSrc: ["'self'", "blob:", "mediastream:"],
    connectSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'none'"],
    formAction: ["'self'"],
    frameAncestors: ["'self'"],
  },
  referrerPolicy: "no-referrer",
  permissionsPolicy: { camera: ["self"], microphone: ["self"], displayCapture: ["self"] },
});

const PUBLIC_FILES: Record<string, string> = {
  "/favicon.svg": "image/svg+xml",
  // The elements' API for editors and embedders (made by `bun run build`).
  "/custom-elements.json": "application/json; charset=utf-8",
};

/** Answers with a full page, linking the stylesheet at `stylesheet`, and the headers every page carries. */
export function page(c: Context, stylesheet: string, body: Child, status: 200 | 400 | 404 = 200) {
  return c.html("<!DOCTYPE html>" + String(<StylesheetUrl.Provider value={stylesheet}>{body}</StylesheetUrl.Provider>), status);
}

/** The 404 page, for the app's not-found handler. */
export const notFoundPage = (assets: Assets) => (c: Context) => page(c, assets.stylesheet(), <NotFoundPage />, 404);

export function createSite({ config, rooms, assets }: { config: Config; rooms: Rooms; assets: Assets }) {
  const site = new Hono();
  const render = (c: Context, body: Child, status?: 200 | 400 | 404) => page(c, assets.stylesheet(), body, status);
  const notFound = notFoundPage(assets);

  const rule = createRoomRule(config.roomName.maxLength, config.roomName.charset);
  // The bundle is public: other sites' pages load it as module scripts, which need CORS.
  site.use("/assets/*", cors({ origin: "*" }));
  // `<room-join>` embedded on an allowed site fetches occupancy across origins.
  site.use(
    "/rooms/*",
    cors({ origin: (origin, c) => (isOriginAllowed(origin, c.req.header("host"), config.allowedOrigins, config.publicOrigin) ? origin : null), allowMethods: ["GET"] }),
  );
  const checkRoom = (name: string) => rule.problem(name);

  site.get("/", (c) => render(c, <HomePage script={assets.url("room-join")} capacity={config.roomCapacity} rule={rule} />));

  // The form's no-JavaScript path: a plain GET, redirected to the room's page.
  site.get("/join", (c) => {
    const room = c.req.query("room") ?? "";
    const reason = checkRoom(room);
    if (reason) return render(c, <HomePage script={assets.url("room-join")} capacity={config.roomCapacity} rule={rule} value={room} error={reason} />, 400);
    return c.redirect(`/room/${room}`, 303);
  });

  site.get("/room/:name", (c) => {
    const room = c.req.param("name");
    const reason = checkRoom(room);
    if (reason) return render(c, <BadRoomPage value={room} reason={reason} rule={rule} script={assets.url("room-join")} />, 400);
    // A join token from the embedding site's link goes on to the call (and, with no
    // referrer sent, nowhere else).
    // The pre-join lobby, unless `?lobby=off` (a straight join: set-up benches and tests).
    return render(
      c,
      <RoomPage
        room={room}
        scripts={[assets.url("video-call"), assets.url("copy-link")]}
        invite={new URL(`/room/${room}`, config.publicOrigin ?? c.req.url).href}
        rule={rule}
        token={c.req.query("token")}
        lobby={c.req.query("lobby") !== "off"}
      />,
    );
  });

  const relay = config.ice.turnUrls.length > 0;
  site.get("/loopback", (c) => render(c, <LoopbackPage script={assets.url("loopback-demo")} relay={relay} />));

  const joinTokens = config.joinTokenSecret === null ? null : createJoinTokens(config.joinTokenSecret);
  site.get("/rooms/:name/occupancy", async (c) => {
    const room = c.req.param("name");
    const reason = checkRoom(room);
    c.header("Cache-Control", "no-store");
    if (!reason && joinTokens !== null) {
      // Where joins need a token, so does knowing who is in a room.
      const check = await joinTokens.check(c.req.query("token"), room);
      if (!check.ok) return c.html(<output class="occupancy error">{check.message}</output>, 401);
    }
    if (reason) return c.html(<output class="occupancy error">{reason}</output>, 400);
    const count = await rooms.occupancy(room).catch(() => null);
    if (count === null) return c.html(<output class="occupancy error">The server cannot tell just now.</output>, 503);
    return c.html(<OccupancyFragment room={room} count={count} capacity={config.roomCapacity} />);
  });

  site.get("/assets/*", (c) => {
    const asset = assets.get(c.req.path);
    if (!asset) return c.text("Not found", 404);
    c.header("Content-Type", asset.contentType);
    c.header("X-Content-Type-Options", "nosniff");
    c.header("Cache-Control", asset.immutable ? "public, max-age=31536000, immutable" : "no-cache");
    return c.body(asset.body as Uint8Array<ArrayBuffer>);
  });

  for (const [urlPath, type] of Object.entries(PUBLIC_FILES)) {
    site.get(urlPath, async (c) => {
      const file = Bun.file(path.join(ROOT, "public", urlPath));
      if (!(await file.exists())) return notFound(c);
      c.header("Content-Type", type);
      c.header("Cache-Control", "public, max-age=3600");
      return c.body(await file.arrayBuffer());
    });
  }

  return site;
}
