/**
 * Errors a page reports: uncaught exceptions and unhandled rejections (`pageerror`) and
 * console errors. console.warn is not collected. Chromium's own line for a WebSocket whose
 * connection failed is kept apart: a test that cuts connections causes it on purpose.
 */
import type { Page } from "playwright-core";

export interface PageErrors {
  /** What no page may report: "<label>: <message>". */
  errors: string[];
  /** Chromium's "WebSocket connection to … failed" lines. */
  socketFailures: string[];
}

const SOCKET_FAILED = /^WebSocket connection to '[^']+' failed/;

export function collectErrors(page: Page, label: string, into: PageErrors): void {
  page.on("pageerror", (err) => into.errors.push(`${label}: uncaught ${err.name}: ${err.message}`));
  page.on("console", (m) => {
    if (m.type() !== "error") return;
    if (SOCKET_FAILED.test(m.text())) into.socketFailures.push(`${label}: ${m.text()}`);
    else into.errors.push(`${label}: console.error: ${m.text()}`);
  });
}
