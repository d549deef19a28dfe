/** How peers learn each other's names: from verified join tokens, or (without tokens) as given, marked unverified. */
import { describe, expect, test } from "bun:test";
import { SignJWT } from "jose";
import { Client, useServer } from "../harness.ts";

const SECRET = "the-embedding-sites-join-token-secret-0123";
const mint = (claims: Record<string, unknown>) =>
  new SignJWT({ exp: Math.floor(Date.now() / 1000) + 60, ...claims }).setProtectedHeader({ alg: "HS256" }).sign(new TextEncoder().encode(SECRET));

async function join(url: string, msg: Record<string, unknown>) {
  const c = await Client.connect(url);
  c.send({ type: "join", ...msg });
  return { c, answer: await c.next() };
}

describe("names with join tokens", () => {
  const server = useServer({ JOIN_TOKEN_SECRET: SECRET });

  test("a token's name reaches the others as verified; a name the peer gives itself is not used", async () => {
    const a = await join(server.wsUrl, { room: "names-1", token: await mint({ room: "names-1", name: "Ada Lovelace", sub: "u-1" }), name: "Not Ada" });
    expect(a.answer).toMatchObject({ type: "created", profile: { name: "Ada Lovelace", verified: true } });
    const b = await join(server.wsUrl, { room: "names-1", token: await mint({ room: "names-1" }), name: "Someone Else" });
    if (a.answer.type !== "created" || b.answer.type !== "joined") throw new Error("not seated");
    expect(b.answer.profiles).toEqual({ [a.answer.id]: { name: "Ada Lovelace", verified: true } });
    expect(b.answer.profile).toBeUndefined();
    // b's own choice of name is not shown: only token names are, where tokens are asked for.
    expect(await a.c.next("peer-joined")).toEqual({ type: "peer-joined", peer: b.answer.id });
    a.c.close();
    b.c.close();
  });
});

describe("names without join tokens", () => {
  const server = useServer();

  test("a name the peer gives itself reaches the others, marked unverified; odd names are refused", async () => {
    const a = await join(server.wsUrl, { room: "names-2", name: "Grace" });
    expect(a.answer).toMatchObject({ type: "created", profile: { name: "Grace", verified: false } });
    const b = await join(server.wsUrl, { room: "names-2" });
    if (a.answer.type !== "created" || b.answer.type !== "joined") throw new Error("not seated");
    expect(b.answer.profiles).toEqual({ [a.answer.id]: { name: "Grace", verified: false } });
    expect(await a.c.next("peer-joined")).toEqual({ type: "peer-joined", peer: b.answer.id });
    for (const name of ["", "x".repeat(65), "line\nbreak", "zero\u200bwidth"]) {
      const c = await join(server.wsUrl, { room: "names-3", name });
      expect(c.answer).toMatchObject({ type: "error", code: "bad-message", message: expect.stringContaining("name") });
      c.c.close();
    }
    a.c.close();
    b.c.close();
  });
});
