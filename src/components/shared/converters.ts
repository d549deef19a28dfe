/** Attribute converters shared by the call elements, and the check of `ice-servers`. */

/** `audio="off"` / `video="off"` (or "false", "0") turn a kind off at start; absent means on. */
export const onOff = {
  fromAttribute: (v: string | null) => v === null || !["off", "false", "0"].includes(v.toLowerCase()),
  toAttribute: (v: boolean) => (v ? null : "off"),
};

/** `ice-transport-policy="relay"` allows TURN-relayed candidates only; anything else is `all`. */
export const iceTransportPolicy = {
  fromAttribute: (v: string | null): RTCIceTransportPolicy => (v === "relay" ? "relay" : "all"),
};

/** An `ice-servers` attribute that is not JSON, kept as written so it can be reported. */
export class UnparsedAttribute {
  constructor(readonly text: string) {}
}

/** `ice-servers` as parsed JSON (checked later by `iceServersProblem`, which reports what is wrong). */
export const iceServers = {
  fromAttribute: (v: string | null): RTCIceServer[] => {
    if (!v || !v.trim()) return [];
    try {
      return JSON.parse(v);
    } catch {
      return new UnparsedAttribute(v) as unknown as RTCIceServer[];
    }
  },
};

const ICE_URL = /^(stun|stuns|turn|turns):[^\s]+$/;

/**
 * What is wrong with an `ice-servers` value, as a sentence; null when the browser takes it.
 * The shape is checked first (for a readable reason), then RTCPeerConnection itself is asked,
 * since it is the judge of what it accepts.
 */
export function iceServersProblem(value: unknown): string | null {
  if (value instanceof UnparsedAttribute) return "ice-servers is not valid JSON.";
  if (!Array.isArray(value)) return "ice-servers must be a JSON array of ICE servers, e.g. [{\"urls\":\"stun:stun.example.com\"}].";
  for (const [i, server] of value.entries()) {
    if (typeof server !== "object" || server === null) return `ice-servers[${i}] is not an object.`;
    const urls: unknown = (server as RTCIceServer).urls;
    const list = typeof urls === "string" ? [urls] : urls;
    if (!Array.isArray(list) || list.length === 0) return `ice-servers[${i}] has no "urls".`;
    for (const url of list) {
      if (typeof url !== "string" || !ICE_URL.test(url)) {
        return `ice-servers[${i}]: "${String(url)}" is not a stun:, stuns:, turn: or turns: URL.`;
      }
      if (/^turns?:/.test(url) && (typeof (server as RTCIceServer).username !== "string" || typeof (server as RTCIceServer).credential !== "string")) {
        return `ice-servers[${i}]: a TURN server needs a "username" and a "credential".`;
      }
    }
  }
  if (value.length === 0 || typeof RTCPeerConnection === "undefined") return null;
  try {
    new RTCPeerConnection({ iceServers: value }).close();
    return null;
  } catch (err) {
    return `ice-servers was refused by the browser: ${err instanceof Error ? err.message : String(err)}`;
  }
}
