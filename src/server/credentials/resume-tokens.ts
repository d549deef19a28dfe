/**
 * Resume tokens: a signed claim on a seat (room + peer id + expiry), handed to a peer at
 * join. A peer whose socket dropped presents it to take back its own seat and id. Being
 * signed rather than stored, a token outlives a server restart when RESUME_SECRET is set.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

/** How long a token stays good: longer than any call. */
export const RESUME_TOKEN_TTL_MS = 12 * 60 * 60 * 1000;

export interface ResumeTokens {
  issue(room: string, id: string): string;
  /** The peer id the token claims in `room`, or null if it is forged, expired or for another room. */
  verify(token: string, room: string): string | null;
}

export function createResumeTokens(secret: string, now: () => number = Date.now): ResumeTokens {
  const sign = (body: string) => createHmac("sha256", secret).update(body).digest().subarray(0, 16).toString("base64url");
  return {
    issue(room, id) {
      const body = `${room}.${id}.${Math.floor((now() + RESUME_TOKEN_TTL_MS) / 1000)}`;
      return `${body}.${sign(body)}`;
    },
    verify(token, room) {
      const parts = token.split(".");
      if (parts.length !== 4) return null;
      const [tokenRoom, id, expiry, sig] = parts as [string, string, string, string];
      const expected = Buffer.from(sign(`${tokenRoom}.${id}.${expiry}`));
      const given = Buffer.from(sig);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
      if (tokenRoom !== room || Number(expiry) * 1000 < now() || id === "") return null;
      return id;
    },
  };
}
