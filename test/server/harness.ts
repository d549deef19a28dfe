/** A real server on an ephemeral port and real WebSocket clients that check every frame they get. */
import { afterAll, beforeAll, expect } from "bun:test";
import { ServerMessage, type ServerMessageOf } from "../../src/shared/protocol.ts";
import { parseConfig } from "../../src/server/config.ts";
import { type Assets, createAssets } from "../../src/server/http/assets.ts";
import { type RunningServer, startServer } from "../../src/server/server.ts";

let sharedAssets: Promise<Assets> | undefined;

/** A server on an ephemeral port; all test servers of a process share one bundle build. */
export async function startTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  sharedAssets ??= createAssets({ production: true, watch: false });
  const server = await startServer(parseConfig({ PORT: "0", LOG_LEVEL: "silent", ...env }), { assets: await sharedAssets });
  return Object.assign(server, { wsUrl: server.url.replace(/^http/, "ws") + "/ws" });
}

export type TestServer = RunningServer & { wsUrl: string };

/** Starts a server for the enclosing describe block and stops it afterwards. */
export function useServer(env: Record<string, string> = {}): TestServer {
  let server: TestServer | undefined;
  beforeAll(async () => {
    server = await startTestServer(env);
  });
  afterAll(() => server?.shutdown());
  const get = () => {
    if (!server) throw new Error("server not started yet");
    return server;
  };
  return {
    get port() { return get().port; },
    get url() { return get().url; },
    get wsUrl() { return get().wsUrl; },
    get log() { return get().log; },
    shutdown: () => get().shutdown(),
  };
}

type Type = ServerMessage["type"];

export class Client {
  readonly ws: WebSocket;
  readonly received: ServerMessage[] = [];
  /** Every frame that failed the server's own schema (must stay empty). */
  readonly invalid: unknown[] = [];
  closeEvent: CloseEvent | null = null;
  private waiters: (() => void)[] = [];
  private cursor = 0;

  private constructor(url: string, headers?: Record<string, string>) {
    // Bun's WebSocket takes headers (e.g. Origin) as a second argument.
    this.ws = new WebSocket(url, (headers ? { headers } : undefined) as unknown as string[]);
    this.ws.addEventListener("message", (e) => {
      const value = JSON.parse(String(e.data));
      const r = ServerMessage.safeParse(value);
      if (r.success) this.received.push(r.data);
      else this.invalid.push(value);
      this.wake();
    });
    this.ws.addEventListener("close", (e) => {
      this.closeEvent = e;
      this.wake();
    });
  }

  static async connect(url: string, headers?: Record<string, string>): Promise<Client> {
    const c = new Client(url, headers);
    await new Promise<void>((resolve, reject) => {
      c.ws.addEventListener("open", () => resolve(), { once: true });
      c.ws.addEventListener("error", () => reject(new Error("connect failed")), { once: true });
    });
    return c;
  }

  send(msg: unknown): void {
    this.ws.send(typeof msg === "string" ? msg : JSON.stringify(msg));
  }

  /** The next message not yet taken; optionally it must be of `type`. */
  async next<T extends Type>(type?: T, timeoutMs = 5000): Promise<ServerMessageOf<T>> {
    const deadline = Date.now() + timeoutMs;
    while (this.cursor >= this.received.length) {
      if (this.closeEvent) throw new Error(`socket closed (${this.closeEvent.code}) while waiting for ${type ?? "a message"}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${type ?? "message"} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    const msg = this.received[this.cursor++]!;
    expect(this.invalid).toEqual([]);
    if (type !== undefined) expect(msg.type).toBe(type);
    return msg as ServerMessageOf<T>;
  }

  /** Resolves when nothing more arrives within `ms`; fails if something does. */
  async expectQuiet(ms = 150): Promise<void> {
    await Bun.sleep(ms);
    expect(this.received.slice(this.cursor)).toEqual([]);
  }

  async closed(timeoutMs = 5000): Promise<CloseEvent> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closeEvent) {
      if (Date.now() > deadline) throw new Error("socket did not close");
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 50);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.closeEvent;
  }

  close(): void {
    this.ws.close();
  }

  private wake() {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}

type Truthy<T> = Exclude<T, false | 0 | "" | null | undefined>;

/** Polls `check` until it returns something truthy, for at most `timeoutMs`. */
export async function eventually<T>(check: () => T | Promise<T>, what: string, timeoutMs = 5000): Promise<Truthy<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v as Truthy<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(20);
  }
}

/** Joins `room` and returns the created/joined answer. */
export async function joined(url: string, room: string) {
  const c = await Client.connect(url);
  c.send({ type: "join", room });
  const m = await c.next();
  if (m.type !== "created" && m.type !== "joined") throw new Error(`expected created/joined, got ${m.type}`);
  return { client: c, id: m.id, answer: m };
}

/** Two peers in `room`, the first having seen the second arrive; the second through `urlB` if given. */
export async function pair(url: string, room: string, urlB = url) {
  const a = await joined(url, room);
  const b = await joined(urlB, room);
  await a.client.next("peer-joined");
  return { a, b };
}
