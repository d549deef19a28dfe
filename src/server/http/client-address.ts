/**
 * The client's address behind trusted proxies: when the TCP peer is one of them, the
 * rightmost X-Forwarded-For entry that is not a trusted proxy (entries further left are the
 * client's own to write, so they are never believed); otherwise the TCP peer itself.
 */
import { BlockList, isIP } from "node:net";

export type ClientAddress = (peer: string, forwardedFor: string | undefined) => string;

/** An IPv4 address seen through an IPv6 socket (::ffff:a.b.c.d) as the IPv4 address it is. */
function plain(address: string): string {
  const a = address.trim();
  return a.startsWith("::ffff:") && isIP(a.slice(7)) === 4 ? a.slice(7) : a;
}

export function createClientAddress(trusted: string[]): ClientAddress {
  if (trusted.length === 0) return (peer) => plain(peer);
  const proxies = new BlockList();
  for (const entry of trusted) {
    const [address, bits] = entry.split("/") as [string, string | undefined];
    const type = isIP(address) === 6 ? "ipv6" : "ipv4";
    if (bits === undefined) proxies.addAddress(address, type);
    else proxies.addSubnet(address, Number(bits), type);
  }
  const isProxy = (a: string) => {
    const family = isIP(a);
    return family !== 0 && proxies.check(a, family === 6 ? "ipv6" : "ipv4");
  };
  return (peer, forwardedFor) => {
    const from = plain(peer);
    if (!isProxy(from) || !forwardedFor) return from;
    const hops = forwardedFor.split(",").map(plain);
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = hops[i]!;
      if (isIP(hop) === 0) return from; // garbled: trust nothing further left
      if (!isProxy(hop)) return hop;
    }
    // Only proxies all the way: the leftmost is as close to the client as we can tell.
    return hops[0] ?? from;
  };
}
