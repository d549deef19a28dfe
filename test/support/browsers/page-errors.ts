/**
 * Errors a page reports: uncaught exceptions and unhandled rejections (`pageerror`) and
 * console errors. console.warn is not collected. A browser's own line for a WebSocket whose
 * connection failed is kept apart: a test that cuts connections causes it on purpose.
 * Pages may be Chromium's (playwright-core) or Firefox's (puppeteer-core).
 */
import type { Page } from "./video-call-probe.ts";

/** What both drivers' pages offer for these two events. */
interface Reports {
  on(event: "pageerror", f: (err: Error) => void): void;
  on(event: "console", f: (m: { type(): string; text(): string }) => void): void;
}

export interface PageErrors {
  /** What no page may report: "<label>: <message>". */
  errors: string[];
  /** The browsers' "WebSocket connection to … failed" lines. */
  socketFailures: string[];
}

/**
 * A browser's own line for a WebSocket that could not connect: Chromium's console error, and
 * Firefox's, which WebDriver BiDi reports as a script error though nothing was thrown.
 */
const SOCKET_FAILED = /^WebSocket connection to '[^']+' failed|^Firefox can[’']t establish a connection to the server at wss?:/;

export function collectErrors(p: Page, label: string, into: PageErrors): void {
  const page = p as unknown as Reports;
  page.on("pageerror", (err) => {
    if (SOCKET_FAILED.test(err.message)) into.socketFailures.push(`${label}: ${err.message}`);
    else into.errors.push(`${label}: uncaught ${err.name}: ${err.message}`);
  });
  page.on("console", (m) => {
    if (m.type() !== "error") return;
    if (SOCKET_FAILED.test(m.text())) into.socketFailures.push(`${label}: ${m.text()}`);
    else into.errors.push(`${label}: console.error: ${m.text()}`);
  });
}
