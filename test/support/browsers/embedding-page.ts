/**
 * A page of the test's own on a loopback port that embeds the call from the server, as
 * another site would (/assets/embed.js), with the element's attributes set in its HTML: e.g.
 * a signaling URL through a proxy, which the server's own pages (CSP connect-src 'self')
 * would not allow. Origins on 127.0.0.1 need no ALLOWED_ORIGINS.
 */
import { freePort } from "../services/server-process.ts";

export interface EmbeddingPage {
  readonly url: string;
  stop(): void;
}

const escape = (s: string) => s.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);

export function serveEmbeddingPage(serverUrl: string, attributes: Record<string, string>): EmbeddingPage {
  const attrs = Object.entries(attributes)
    .map(([k, v]) => ` ${k}="${escape(v)}"`)
    .join("");
  const html = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Embedded call</title></head><body>
<script type="module" src="${escape(serverUrl)}/assets/embed.js"></script>
<video-call${attrs}></video-call></body></html>`;
  const site = Bun.serve({
    hostname: "127.0.0.1",
    port: freePort(),
    fetch: () => new Response(html, { headers: { "content-type": "text/html; charset=utf-8" } }),
  });
  return {
    url: `http://127.0.0.1:${site.port}/`,
    stop: () => void site.stop(true),
  };
}
