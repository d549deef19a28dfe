/**
 * Who may open the signaling socket. Browsers always send `Origin` on a WebSocket
 * upgrade, so checking it stops other sites' pages from using a visitor's browser
 * against this server. Clients that send no Origin are not browsers and could claim
 * any origin anyway; they are let through (docs/security.md).
 */
const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

export function isOriginAllowed(origin: string | null | undefined, host: string | null | undefined, allowed: readonly string[]): boolean {
  if (origin === null || origin === undefined) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return false;
  if (host && url.host === host) return true; // the server's own pages
  if (LOCAL_HOSTS.has(url.hostname)) return true;
  return allowed.includes(url.origin);
}
