/** `/ws` on the origin this module was loaded from: right for the site and for embeds. */
export function defaultSignalingUrl(): string {
  const url = new URL("/ws", import.meta.url);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.href;
}
