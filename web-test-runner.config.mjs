// Component tests in headless Chromium and headless Firefox ESR (Debian's packages), each with
// a fake camera and microphone, against real signaling servers started here for the run.
// TEST_BROWSERS=chromium or =firefox runs one of them.
import { chromeLauncher } from "@web/test-runner-chrome";
import * as puppeteer from "puppeteer-core";
import { esbuildPlugin } from "@web/dev-server-esbuild";
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import chromiumArgs from "./test/support/browsers/chromium-args.json" with { type: "json" };
import firefoxPrefs from "./test/support/browsers/firefox-prefs.json" with { type: "json" };

const root = fileURLToPath(new URL(".", import.meta.url));
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const firefox = process.env.FIREFOX_PATH ?? "/usr/bin/firefox-esr";
const wanted = (process.env.TEST_BROWSERS ?? "chromium,firefox").split(",");

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Starts the real server (or another signaling script) as its own process and waits until it answers. */
async function startServer(env, script = "src/server/main.ts") {
  const port = await freePort();
  const proc = spawn("bun", [script, String(port)], {
    cwd: root,
    env: { ...process.env, NODE_ENV: "production", LOG_LEVEL: "error", PORT: String(port), ...env },
    stdio: ["ignore", "inherit", "inherit"],
  });
  process.on("exit", () => proc.kill("SIGTERM"));
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return `ws://127.0.0.1:${port}/ws`;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("signaling server did not start");
}

const pair = await startServer({ ROOM_CAPACITY: "2", RESUME_GRACE_SECONDS: "1" });
// The trio server also narrows room names, for the tests of servers that do.
const trio = await startServer({ ROOM_CAPACITY: "3", RESUME_GRACE_SECONDS: "1", ROOM_NAME_CHARSET: "a-z0-9-" });
// Tight limits, no flood ban (so the address is not shut out of the others): for forced closes.
const strict = await startServer({ MAX_MESSAGE_BYTES: "1024", RATE_LIMIT_PER_SECOND: "5", RATE_LIMIT_BURST: "10", FLOOD_BAN_SECONDS: "0" });
// A server that is not ours and sends malformed frames.
const hostile = await startServer({}, "test/support/hostile-signaling.ts");

export default {
  rootDir: root,
  files: ["src/components/**/*.test.ts"],
  nodeResolve: true,
  // One test file at a time in each browser: the two browsers side by side keep two cores busy.
  concurrency: 1,
  testsFinishTimeout: 300_000,
  testFramework: { config: { timeout: 30_000 } },
  browsers: [
    wanted.includes("chromium") &&
      chromeLauncher({
        launchOptions: {
          executablePath: chromium,
          headless: true,
          args: chromiumArgs,
        },
      }),
    // The same launcher drives Firefox over WebDriver BiDi when given puppeteer-core itself
    // (@web/test-runner-puppeteer does the same with the full puppeteer, whose install
    // downloads a Chrome of its own).
    wanted.includes("firefox") &&
      chromeLauncher({
        puppeteer,
        launchOptions: {
          browser: "firefox",
          executablePath: firefox,
          headless: true,
          extraPrefsFirefox: firefoxPrefs,
        },
      }),
  ].filter(Boolean),
  plugins: [esbuildPlugin({ ts: true, target: "es2022", tsconfig: `${root}tsconfig.browser.json` })],
  testRunnerHtml: (testFramework) => `<!DOCTYPE html>
<html><body>
<script>window.__SIGNALING_URL__ = ${JSON.stringify(pair)}; window.__SIGNALING_URL_TRIO__ = ${JSON.stringify(trio)}; window.__SIGNALING_URL_STRICT__ = ${JSON.stringify(strict)}; window.__SIGNALING_URL_HOSTILE__ = ${JSON.stringify(hostile)};</script>
<script type="module" src="${testFramework}"></script>
</body></html>`,
};
