/**
 * Join tokens: a JWT (HS256) that the embedding site's own backend signs with
 * JOIN_TOKEN_SECRET, admitting its holder to one room. Claims: `room`, `exp` (both
 * required), and optionally `sub` (the site's user id) and `name` (a display name shown to
 * the others as verified). Verified with jose, the signature before the claims.
 */

/** Clocks of the site's backend and of this server may differ this much. */
export const CLOCK_SKEW_SECONDS = 30;
/** Longest display name taken from a token (longer ones are cut). */
export const NAME_MAX = 64;

export interface JoinClaims {
  sub: string | null;
  name: string | null;
}

export type TokenProblem = "missing" | "malformed" | "expired" | "bad-signature" | "wrong-room";

export type TokenCheck = { ok: true; claims: JoinClaims } | { ok: false; problem: TokenProblem; message: string };

const MESSAGES: Record<TokenProblem, string> = {
  missing: "This server admits only holders of a join token: the join carried none.",
  malformed: "The join token is not a well-formed JWT with the claims this server needs (room, exp).",
  expired: "The join token has expired: ask the site for a new one.",
  "bad-signature": "The join token is not signed with this server's secret (HS256).",
  "wrong-room": "The join token admits to another room.",
};

const refused = (problem: TokenProblem): TokenCheck => ({ ok: false, problem, message: MESSAGES[problem] });

export interface JoinTokens {
  check(token: string | undefined, room: string): Promise<TokenCheck>;
}

export function createJoinTokens(secret: string): JoinTokens {
  const key = new TextEncoder().encode(secret);
  // Loaded only where joins need tokens: other servers carry none of jose.
  const jose = import("jose");
  return {
    async check(token, room) {
      if (!token) return refused("missing");
      const { errors, jwtVerify } = await jose;
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: ["HS256"],
          clockTolerance: CLOCK_SKEW_SECONDS,
          requiredClaims: ["exp", "room"],
        });
        if (payload.room !== room) return refused("wrong-room");
        const name = typeof payload.name === "string" && payload.name.trim() ? payload.name.trim().slice(0, NAME_MAX) : null;
        return { ok: true, claims: { sub: typeof payload.sub === "string" ? payload.sub : null, name } };
      } catch (err) {
        if (err instanceof errors.JWTExpired) return refused("expired");
        if (err instanceof errors.JWSSignatureVerificationFailed || err instanceof errors.JOSEAlgNotAllowed) return refused("bad-signature");
        return refused("malformed");
      }
    },
  };
}
