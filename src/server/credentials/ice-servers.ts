/**
 * The ICE servers each peer is given: STUN as configured, and TURN with short-lived
 * credentials in the TURN REST scheme that coturn's `use-auth-secret` checks (username
 * `"<unix expiry>:<peer id>"`, credential base64(HMAC-SHA1(secret, username))). The
 * secret stays here; peers only ever see credentials that expire.
 */
import { createHmac } from "node:crypto";
import type { IceConfig } from "../../shared/protocol.ts";

export interface IceSettings {
  turnUrls: string[];
  /** Null: no TURN. */
  turnSecret: string | null;
  turnTtlSeconds: number;
  stunUrls: string[];
  transportPolicy: "all" | "relay";
}

export interface IceServers {
  /** Fresh ICE servers and policy for peer `id` (any id the peer is known by). */
  issue(id: string): IceConfig;
}

export function createIceServers(settings: IceSettings, now: () => number = Date.now): IceServers {
  const { turnUrls, turnSecret, turnTtlSeconds, stunUrls, transportPolicy } = settings;
  return {
    issue(id) {
      const iceServers: IceConfig["iceServers"] = [];
      if (stunUrls.length > 0) iceServers.push({ urls: stunUrls });
      if (turnSecret === null || turnUrls.length === 0) return { iceServers, iceTransportPolicy: transportPolicy };
      const expires = Math.floor(now() / 1000) + turnTtlSeconds;
      const username = `${expires}:${id}`;
      const credential = createHmac("sha1", turnSecret).update(username).digest("base64");
      iceServers.push({ urls: turnUrls, username, credential });
      return { iceServers, iceTransportPolicy: transportPolicy, expires };
    },
  };
}
