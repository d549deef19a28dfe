/** One signaling socket's state, kept in Bun's `ws.data`. */
import type { Member } from "./rooms.ts";
import { TokenBucket } from "./token-bucket.ts";

export interface Connection {
  /** Client address, for the per-address connection limit and logs. */
  readonly address: string;
  /** Server-assigned id in the current room; null when in no room. */
  id: string | null;
  room: string | null;
  /** This connection's seat in `room`, as the rooms know it. */
  member: Member | null;
  /** A join is in flight: further joins and signals wait for its answer. */
  joining: boolean;
  closed: boolean;
  /** Messages accepted under the rate limit. */
  readonly bucket: TokenBucket;
  /** Budget of messages dropped for rate; when spent, the socket is closed (1008). */
  readonly strikes: TokenBucket;
  /** A rate-limit error was sent and no message has been accepted since. */
  throttled: boolean;
  /** Last time (performance.now()) anything arrived, message or pong. */
  lastSeen: number;
  /** Dropped by the heartbeat: nothing arrived for a whole timeout. */
  timedOut: boolean;
}

export function createConnection(address: string, rate: { perSecond: number; burst: number }): Connection {
  const now = performance.now();
  return {
    address,
    id: null,
    room: null,
    member: null,
    joining: false,
    closed: false,
    bucket: new TokenBucket(rate.perSecond, rate.burst, now),
    strikes: new TokenBucket(rate.perSecond, rate.burst, now),
    throttled: false,
    lastSeen: now,
    timedOut: false,
  };
}
