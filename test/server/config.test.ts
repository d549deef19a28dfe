import { describe, expect, test } from "bun:test";
import { ConfigError, parseConfig } from "../../src/server/config.ts";

describe("configuration", () => {
  test("defaults", () => {
    const c = parseConfig({});
    expect(c).toMatchObject({
      port: 3000,
      host: "127.0.0.1",
      roomCapacity: 2,
      maxMessageBytes: 65536,
      rateLimit: { perSecond: 50, burst: 200 },
      byteLimit: { perSecond: 262_144, burst: 1_048_576 },
      addressByteLimit: { perSecond: 1_048_576, burst: 4_194_304 },
      heartbeatSeconds: 30,
      allowedOrigins: [],
      floodBanSeconds: 30,
      publicOrigin: null,
      production: false,
    });
  });

  test("rooms in this process unless REDIS_URL points at a Redis", () => {
    expect(parseConfig({}).redis).toBeNull();
    expect(parseConfig({ REDIS_URL: "redis://10.0.0.5:6380/2" }).redis).toEqual({ url: "redis://10.0.0.5:6380/2", leaseSeconds: 10 });
    expect(parseConfig({ REDIS_URL: "rediss://cache.example", NODE_LEASE_SECONDS: "4" }).redis).toEqual({ url: "rediss://cache.example", leaseSeconds: 4 });
  });

  test("values from the environment", () => {
    const c = parseConfig({ PORT: "8080", ROOM_CAPACITY: "16", ALLOWED_ORIGINS: "https://a.example, https://b.example:8443", PUBLIC_ORIGIN: "https://calls.example:8443", NODE_ENV: "production" });
    expect(c.publicOrigin).toBe("https://calls.example:8443");
    expect(c.port).toBe(8080);
    expect(c.roomCapacity).toBe(16);
    expect(c.allowedOrigins).toEqual(["https://a.example", "https://b.example:8443"]);
    expect(c.production).toBe(true);
  });

  const bad: [Record<string, string>, string][] = [
    [{ PORT: "eighty" }, "PORT"],
    [{ REDIS_URL: "localhost:6379" }, "REDIS_URL"],
    [{ REDIS_URL: "http://127.0.0.1:6379/0" }, "REDIS_URL"],
    [{ REDIS_URL: "redis://127.0.0.1:6379/zero" }, "REDIS_URL"],
    [{ REDIS_URL: "redis://127.0.0.1", NODE_LEASE_SECONDS: "1" }, "NODE_LEASE_SECONDS"],
    [{ PORT: "70000" }, "PORT"],
    [{ ROOM_CAPACITY: "17" }, "ROOM_CAPACITY"],
    [{ ROOM_CAPACITY: "1" }, "ROOM_CAPACITY"],
    [{ MAX_MESSAGE_BYTES: "-5" }, "MAX_MESSAGE_BYTES"],
    [{ MAX_MESSAGE_BYTES: String(16 * 1024 * 1024) }, "MAX_MESSAGE_BYTES"],
    [{ RATE_LIMIT_PER_SECOND: "0" }, "RATE_LIMIT_PER_SECOND"],
    [{ RATE_LIMIT_BYTES_BURST: "100" }, "RATE_LIMIT_BYTES_BURST"],
    [{ ADDRESS_RATE_LIMIT_BYTES_PER_SECOND: "lots" }, "ADDRESS_RATE_LIMIT_BYTES_PER_SECOND"],
    [{ HEARTBEAT_SECONDS: "1.5" }, "HEARTBEAT_SECONDS"],
    [{ LOG_LEVEL: "loud" }, "LOG_LEVEL"],
    [{ ALLOWED_ORIGINS: "example.com" }, "ALLOWED_ORIGINS"],
    [{ ROOM_NAME_MAX_LENGTH: "65" }, "ROOM_NAME_MAX_LENGTH"],
    [{ ROOM_NAME_CHARSET: "a-z." }, "ROOM_NAME_CHARSET"],
    [{ ROOM_NAME_CHARSET: "!-~" }, "ROOM_NAME_CHARSET"],
    [{ ROOM_NAME_CHARSET: "0-z" }, "ROOM_NAME_CHARSET"],
    [{ ALLOWED_ORIGINS: "https://example.com/path" }, "ALLOWED_ORIGINS"],
    [{ PUBLIC_ORIGIN: "calls.example.com" }, "PUBLIC_ORIGIN"],
    [{ PUBLIC_ORIGIN: "https://calls.example.com/" }, "PUBLIC_ORIGIN"],
  ];
  for (const [env, name] of bad) {
    test(`a bad ${name} is named`, () => {
      expect(() => parseConfig(env)).toThrow(ConfigError);
      expect(() => parseConfig(env)).toThrow(name);
    });
  }

  test("a bad value stops start-up with a message naming the variable", async () => {
    const p = Bun.spawn(["bun", "src/server/main.ts"], {
      env: { ...process.env, PORT: "0", ROOM_CAPACITY: "99" },
      stdout: "pipe",
      stderr: "pipe",
    });
    expect(await p.exited).toBe(1);
    expect(await new Response(p.stderr).text()).toContain("ROOM_CAPACITY");
  });
});
