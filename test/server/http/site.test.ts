import { describe, expect, test } from "bun:test";
import { eventually, joined, useServer } from "../harness.ts";

describe("site", () => {
  const server = useServer();
  const get = (path: string, init?: RequestInit) => fetch(server.url + path, { redirect: "manual", ...init });

  test("home page: the join form with a no-JavaScript fallback, a link to the loopback test", async () => {
    const res = await get("/");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    const body = await res.text();
    expect(body.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(body).toContain('<room-join room-max-length="64" room-charset="A-Za-z0-9_-">');
    expect(body).toMatch(/<form action="\/join" method="get"/);
    expect(body).toContain('href="/loopback"');
    expect(body).toMatch(/<script type="module" src="\/assets\/room-join-[A-Z0-9]+\.js"><\/script>/);
  });

  test("every page carries a CSP without inline scripts, and no inline script", async () => {
    for (const path of ["/", "/room/abc", "/loopback", "/room/bad%20name", "/nowhere"]) {
      const res = await get(path);
      const csp = res.headers.get("content-security-policy") ?? "";
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain("unsafe-inline");
      const body = await res.text();
      expect(body).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    }
  });

  test("the form's GET goes to the room page; a bad name gets 400 saying why", async () => {
    const ok = await get("/join?room=team_standup-2");
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toBe("/room/team_standup-2");
    const bad = await get("/join?room=" + encodeURIComponent("team standup"));
    expect(bad.status).toBe(400);
    const text = await bad.text();
    expect(text).toContain("may only hold letters, digits");
    expect(text).toContain('value="team standup"');
  });

  test("room page holds <video-call> for the room; invalid names get 400", async () => {
    const res = await get("/room/abc-1");
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).toContain('<video-call room="abc-1" room-max-length="64" room-charset="A-Za-z0-9_-" title-count="true" join-sound="true" lobby="true">');
    expect(body).toMatch(/src="\/assets\/video-call-[A-Z0-9]+\.js"/);
    // `?lobby=off`: the same element, joining at once.
    expect(await (await get("/room/abc-1?lobby=off")).text()).toContain('title-count="true" join-sound="true">');
    const long = await get("/room/" + "x".repeat(65));
    expect(long.status).toBe(400);
    expect(await long.text()).toContain("longer than 64");
  });

  test("markup in a room name is never echoed raw", async () => {
    const probe = `<script>alert(1)</script>"'><img src=x onerror=alert(2)>`;
    for (const path of [`/room/${encodeURIComponent(probe)}`, `/join?room=${encodeURIComponent(probe)}`, `/rooms/${encodeURIComponent(probe)}/occupancy`]) {
      const res = await get(path);
      expect(res.status).toBe(400);
      const body = await res.text();
      expect(body).not.toContain("<script>alert(1)");
      expect(body).not.toContain("<img src=x");
    }
  });

  test("loopback page holds <loopback-demo>", async () => {
    const body = await (await get("/loopback")).text();
    expect(body).toContain("<loopback-demo></loopback-demo>");
    expect(body).toMatch(/src="\/assets\/loopback-demo-[A-Z0-9]+\.js"/);
  });

  test("occupancy fragment follows the room", async () => {
    const frag = async () => (await get("/rooms/frag-room/occupancy")).text();
    expect(await frag()).toContain("Nobody here yet");
    const a = await joined(server.wsUrl, "frag-room");
    expect(await frag()).toContain("1 of 2 here.");
    const b = await joined(server.wsUrl, "frag-room");
    expect(await frag()).toContain("Full: 2 of 2 here.");
    a.client.close();
    b.client.close();
    expect(await eventually(async () => (await frag()).includes("Nobody here yet"), "the room freed")).toBe(true);
  });

  test("hashed assets are cached for good and open to other origins; embed.js stays fresh", async () => {
    const page = await (await get("/room/x")).text();
    const src = page.match(/src="(\/assets\/video-call-[A-Z0-9]+\.js)"/)![1]!;
    const js = await get(src);
    expect(js.status).toBe(200);
    expect(js.headers.get("content-type")).toContain("text/javascript");
    expect(js.headers.get("cache-control")).toContain("immutable");
    expect(js.headers.get("access-control-allow-origin")).toBe("*");
    const code = await js.text();
    expect(code).toContain("sourceMappingURL=");
    const map = await get(src + ".map");
    expect(map.status).toBe(200);
    const embed = await get("/assets/embed.js");
    expect(embed.headers.get("cache-control")).toBe("no-cache");
    expect(embed.headers.get("access-control-allow-origin")).toBe("*");
    const target = (await embed.text()).match(/import "\.\/(roomcall-[A-Z0-9]+\.js)"/)![1];
    expect((await get(`/assets/${target}`)).status).toBe(200);
    expect((await get("/assets/nope.js")).status).toBe(404);
  });

  test("the stylesheet is content-hashed like the bundle: every page links its hashed URL, cached for good", async () => {
    const hrefs = new Set<string>();
    for (const path of ["/", "/room/abc", "/loopback", "/room/bad%20name", "/nowhere"]) {
      const body = await (await get(path)).text();
      const href = body.match(/<link rel="stylesheet" href="([^"]+)"/)?.[1];
      expect(href).toMatch(/^\/assets\/site-[A-Z0-9]+\.css$/);
      hrefs.add(href!);
    }
    expect(hrefs.size).toBe(1);
    const css = await get([...hrefs][0]!);
    expect(css.status).toBe(200);
    expect(css.headers.get("content-type")).toContain("text/css");
    expect(css.headers.get("cache-control")).toContain("immutable");
    expect(await css.text()).toContain(".site-header");
    // No unhashed copy that a browser might keep for an hour.
    expect((await get("/site.css")).status).toBe(404);
  });

  test("static files", async () => {
    expect((await get("/favicon.svg")).headers.get("content-type")).toContain("image/svg+xml");
  });

  test("unknown paths get a 404 page", async () => {
    const res = await get("/no/such/page");
    expect(res.status).toBe(404);
    expect(await res.text()).toContain("Nothing here");
  });
});

describe("occupancy across origins", () => {
  const server = useServer({ ALLOWED_ORIGINS: "https://embedder.example" });

  test("allowed origins may read the fragment; others get no CORS header", async () => {
    const ask = (origin: string) => fetch(`${server.url}/rooms/r1/occupancy`, { headers: { origin } });
    expect((await ask("https://embedder.example")).headers.get("access-control-allow-origin")).toBe("https://embedder.example");
    expect((await ask("http://localhost:8000")).headers.get("access-control-allow-origin")).toBe("http://localhost:8000");
    expect((await ask("https://evil.example")).headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("a server that narrows room names", () => {
  const server = useServer({ ROOM_NAME_MAX_LENGTH: "16", ROOM_NAME_CHARSET: "a-z0-9-" });
  const text = async (path: string) => (await fetch(server.url + path)).text();

  test("serves its rule into the form, <room-join> and <video-call>, so the browser checks what it checks", async () => {
    const home = await text("/");
    expect(home).toContain('<room-join room-max-length="16" room-charset="a-z0-9-">');
    expect(home).toMatch(/<input name="room" value="" required="" maxlength="16" pattern="\[\\-0-9a-z\]\+"/);
    const room = await text("/room/standup");
    expect(room).toContain('<video-call room="standup" room-max-length="16" room-charset="a-z0-9-" title-count="true" join-sound="true" lobby="true">');
    const bad = await fetch(server.url + "/room/Standup");
    expect(bad.status).toBe(400);
    const body = await bad.text();
    expect(body).toContain("1 to 16 characters: any of a-z0-9-");
    expect(body).toContain('maxlength="16"');
  });
});
