/** TURN and STUN settings, and the short-lived credentials each peer is given. */
import { describe, expect, test } from "bun:test";
import { createHmac } from "node:crypto";
import { ConfigError, parseConfig } from "../../../src/server/config.ts";
import { Client, joined, useServer } from "../harness.ts";

const SECRET = "turn-secret-that-never-leaves-the-server";
const TURN = "turn:turn.example.com:3478?transport=udp,turn:turn.example.com:3478?transport=tcp,turns:turn.example.com:443?transport=tcp";

describe("ICE settings", () => {
  test("are parsed with the rest; none by default", () => {
    expect(parseConfig({}).ice).toEqual({ turnUrls: [], turnSecret: null, turnTtlSeconds: 600, stunUrls: [], transportPolicy: "all" });
    const c = parseConfig({ TURN_URLS: TURN, TURN_SECRET: SECRET, TURN_TTL_SECONDS: "60", STUN_URLS: "stun:stun.example.com:3478", ICE_TRANSPORT_POLICY: "relay" });
    expect(c.ice).toEqual({
      turnUrls: TURN.split(","),
      turnSecret: SECRET,
      turnTtlSeconds: 60,
      stunUrls: ["stun:stun.example.com:3478"],
      transportPolicy: "relay",
    });
  });

  const bad: [Record<string, string>, string][] = [
    [{ TURN_URLS: "https://turn.example.com", TURN_SECRET: SECRET }, "TURN_URLS"],
    [{ TURN_URLS: "stun:turn.example.com", TURN_SECRET: SECRET }, "TURN_URLS"],
    [{ TURN_URLS: "turn:turn.example.com" }, "TURN_URLS"],
    [{ TURN_SECRET: SECRET }, "TURN_SECRET"],
    [{ TURN_URLS: "turn:turn.example.com", TURN_SECRET: "short" }, "TURN_SECRET"],
    [{ TURN_URLS: "turn:x", TURN_SECRET: SECRET, TURN_TTL_SECONDS: "5" }, "TURN_TTL_SECONDS"],
    [{ STUN_URLS: "turn:stun.example.com" }, "STUN_URLS"],
    [{ ICE_TRANSPORT_POLICY: "relay" }, "ICE_TRANSPORT_POLICY"],
    [{ ICE_TRANSPORT_POLICY: "never" }, "ICE_TRANSPORT_POLICY"],
  ];
  for (const [env, name] of bad) {
    test(`a bad ${name} is named (${JSON.stringify(env)})`, () => {
      expect(() => parseConfig(env)).toThrow(ConfigError);
      expect(() => parseConfig(env)).toThrow(name);
    });
  }
});

describe("credentials", () => {
  const server = useServer({ TURN_URLS: TURN, TURN_SECRET: SECRET, TURN_TTL_SECONDS: "120", STUN_URLS: "stun:stun.example.com:3478", ICE_TRANSPORT_POLICY: "relay" });

  const checkTurn = (ice: { iceServers: { urls: string[]; username?: string; credential?: string }[]; expires?: number }, id: string) => {
    const turn = ice.iceServers.find((s) => s.urls[0]!.startsWith("turn"))!;
    expect(turn.urls).toEqual(TURN.split(","));
    const [expiry, who] = turn.username!.split(":");
    expect(who).toBe(id);
    const now = Date.now() / 1000;
    expect(Number(expiry)).toBeGreaterThan(now + 110);
    expect(Number(expiry)).toBeLessThanOrEqual(now + 121);
    expect(ice.expires).toBe(Number(expiry));
    // The TURN REST scheme coturn's use-auth-secret checks.
    expect(turn.credential).toBe(createHmac("sha1", SECRET).update(turn.username!).digest("base64"));
  };

  test("every created/joined carries fresh ones for that peer, with the policy", async () => {
    const a = await joined(server.wsUrl, "turn-1");
    const b = await joined(server.wsUrl, "turn-1");
    for (const x of [a, b]) {
      expect(x.answer.ice.iceTransportPolicy).toBe("relay");
      expect(x.answer.ice.iceServers[0]).toEqual({ urls: ["stun:stun.example.com:3478"] });
      checkTurn(x.answer.ice, x.id);
    }
    a.client.close();
    b.client.close();
  });

  test("ice-refresh gives new ones, in a room and before joining", async () => {
    const a = await joined(server.wsUrl, "turn-2");
    a.client.send({ type: "ice-refresh" });
    const m = await a.client.next("ice");
    checkTurn(m.ice, a.id);
    const probe = await Client.connect(server.wsUrl);
    probe.send({ type: "ice-refresh" });
    const p = await probe.next("ice");
    const id = p.ice.iceServers.find((s) => s.username)!.username!.split(":")[1]!;
    expect(id).toMatch(/^[A-Za-z0-9_-]{12}$/);
    checkTurn(p.ice, id);
    a.client.close();
    probe.close();
  });

  test("a resumed join gets fresh ones too", async () => {
    const a = await joined(server.wsUrl, "turn-3");
    const again = await Client.connect(server.wsUrl);
    again.send({ type: "join", room: "turn-3", resume: a.answer.resume });
    const m = await again.next("joined");
    expect(m.resumed).toBe(true);
    checkTurn(m.ice, a.id);
    again.close();
  });

  test("the secret is in no page, fragment, bundle or message", async () => {
    const seen: string[] = [];
    for (const path of ["/", "/room/abc", "/loopback", "/rooms/abc/occupancy", "/custom-elements.json", "/assets/embed.js", "/healthz"]) {
      const text = await (await fetch(server.url + path)).text();
      seen.push(text);
      for (const src of text.matchAll(/\/assets\/[\w./-]+\.js/g)) seen.push(await (await fetch(server.url + src[0])).text());
    }
    const a = await joined(server.wsUrl, "turn-4");
    a.client.send({ type: "ice-refresh" });
    await a.client.next("ice");
    seen.push(...a.client.received.map((m) => JSON.stringify(m)));
    expect(seen.length).toBeGreaterThan(8);
    expect(seen.some((t) => t.includes(SECRET))).toBe(false);
    a.client.close();
  });
});
