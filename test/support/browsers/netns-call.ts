/**
 * What a call across a network namespace needs: the namespace, the real server on the host's
 * end of its veth (where pages inside reach it), one Chromium outside and one inside. Pages
 * on http://10.77.x.1 get a camera only from a secure origin, so both browsers treat the
 * server's origin as one.
 */
import { afterAll, beforeAll } from "bun:test";
import type { Browser } from "playwright-core";
import { createNetns, type Netns } from "../services/netns.ts";
import { type ServerProcess, spawnServer } from "../services/server-process.ts";
import { launchBrowser, secureOrigins } from "./browser.ts";

export interface NetnsCall {
  ns: Netns;
  server: ServerProcess;
  outside: Browser;
  inside: Browser;
  /** Closes both browsers, stops the server and removes the namespace. Harmless twice. */
  stop(): Promise<void>;
}

export async function startNetnsCall(): Promise<NetnsCall> {
  const ns = await createNetns();
  let server: ServerProcess | undefined;
  let outside: Browser | undefined;
  let inside: Browser | undefined;
  const stop = async () => {
    await outside?.close().catch(() => {});
    await inside?.close().catch(() => {});
    await server?.stop();
    await ns.remove();
  };
  try {
    server = await spawnServer({ HOST: ns.hostAddress, LOG_LEVEL: "error" });
    const flag = secureOrigins(server.url);
    outside = await launchBrowser([flag]);
    inside = await ns.launchBrowser([flag]);
    return { ns, server, outside, inside, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * The call of a test file: started before its tests and stopped after them (`beforeStop`
 * first, e.g. to thaw a server a test paused). Its parts are read from `current` in a test.
 */
export function useNetnsCall(beforeStop?: (call: NetnsCall) => void): { readonly current: NetnsCall } {
  let call: NetnsCall | undefined;
  beforeAll(async () => {
    call = await startNetnsCall();
  }, 30_000);
  afterAll(async () => {
    if (!call) return;
    beforeStop?.(call);
    await call.stop();
  });
  return {
    get current() {
      if (!call) throw new Error("the call across the namespace is not started: read it inside a test");
      return call;
    },
  };
}
