/**
 * Who may open the signaling socket. Browsers always send `Origin` on a WebSocket
 * upgrade, so checking it stops other sites' pages from using a visitor's browser
 * against this server. Clients that send no Origin are not browsers and could claim
 * any origin anyway; they are let through (docs/security.md).
 */
const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** The Host header a pinned public origin answers to (its host, port included unless the default). */
export function pinnedHost(publicOrigin: string | null): string | null {
  return publicOrigin === null ? null : new URL(publicOrigin).host;
}

/**
 * Without a pinned public origin, a page whose origin is the request's own host passes:
 * that is the server's own site, but also a page on a host name rebound to this server
 * (DNS rebinding), which sends its own name as Host. Pinned (PUBLIC_ORIGIN), the Host
 * must be the public one, and the Origin that very origin or an allowed one.
 */
export function isOriginAllowed(
  origin: string | null | undefined,
  host: string | null | undefined,
  allowed: readonly string[],
  publicOrigin: string | null = null,
): boolean {
  if (publicOrigin !== null) {
    if (host?.toLowerCase() !== pinnedHost(publicOrigin)) return false;
    return origin === null || origin === undefined || origin === publicOrigin || allowed.includes(origin);
  }
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
