/** Join tokens (JOIN_TOKEN_SECRET): who may join, and what a refused joiner learns (nothing). */
import { describe, expect, test } from "bun:test";
import { SignJWT } from "jose";
import { Client, useServer } from "../harness.ts";

const SECRET = "the-embedding-sites-join-token-secret-0123";
const key = new TextEncoder().encode(SECRET);
const now = () => Math.floor(Date.now() / 1000);
/** What the embedding site's backend would mint. */
const mint = (claims: Record<string, unknown>, k = key) => new SignJWT(claims).setProtectedHeader({ alg: "HS256" }).sign(k);

async function joinWith(url: string, room: string, token?: string, resume?: string) {
  const c = await Client.connect(url);
  c.send({ type: "join", room, ...(token ? { token } : {}), ...(resume ? { resume } : {}) });
  return { c, answer: await c.next() };
}

describe("join tokens", () => {
  const server = useServer({ JOIN_TOKEN_SECRET: SECRET, RESUME_GRACE_SECONDS: "5" });

  test("a valid token admits to its room; a small clock skew is allowed", async () => {
    const a = await joinWith(server.wsUrl, "tok-1", await mint({ room: "tok-1", exp: now() + 60, sub: "user-1", name: "Ada" }));
    expect(a.answer.type).toBe("created");
    // Expired 10 s ago by our clock: within the allowed skew.
    const b = await joinWith(server.wsUrl, "tok-1", await mint({ room: "tok-1", exp: now() - 10 }));
    expect(b.answer.type).toBe("joined");
    // A long token (the relay reads long strings apart): still read whole, and checked.
    const long = await mint({ room: "tok-long", exp: now() + 60, sub: "u".repeat(600), name: "Grace" });
    expect(long.length).toBeGreaterThan(800);
    const c = await joinWith(server.wsUrl, "tok-long", long);
    expect(c.answer).toMatchObject({ type: "created", profile: { name: "Grace", verified: true } });
    const forged = await joinWith(server.wsUrl, "tok-long", `${long.slice(0, -4)}AAAA`);
    expect(forged.answer).toMatchObject({ type: "error", code: "unauthorized" });
    for (const x of [a, b, c, forged]) x.c.close();
  });

  test("a refused join says why in a sentence, and learns nothing of the room", async () => {
    // The room is full: a refused joiner must not learn even that.
    const a = await joinWith(server.wsUrl, "tok-2", await mint({ room: "tok-2", exp: now() + 60 }));
    const b = await joinWith(server.wsUrl, "tok-2", await mint({ room: "tok-2", exp: now() + 60 }));
    expect(b.answer.type).toBe("joined");
    await a.c.next("peer-joined");
    const cases: [string | undefined, string][] = [
      [undefined, "carried none"],
      ["not-a-jwt", "not a well-formed JWT"],
      [await mint({ room: "tok-2" }), "not a well-formed JWT"],
      [await mint({ room: "tok-2", exp: now() - 300 }), "has expired"],
      [await mint({ room: "tok-2", exp: now() + 60 }, new TextEncoder().encode("another-secret-entirely-0123456789")), "not signed with this server's secret"],
      [await mint({ room: "another-room", exp: now() + 60 }), "admits to another room"],
    ];
    for (const [token, says] of cases) {
      const x = await joinWith(server.wsUrl, "tok-2", token);
      expect(x.answer).toMatchObject({ type: "error", code: "unauthorized", message: expect.stringContaining(says) });
      expect(JSON.stringify(x.answer)).not.toMatch(/full|capacity|of 2/);
      x.c.close();
    }
    // And the room never heard of them.
    await a.c.expectQuiet();
    a.c.close();
    b.c.close();
  });

  test("a resume token keeps its seat after the join token has expired", async () => {
    const token = await mint({ room: "tok-3", exp: now() + 60 });
    const a = await joinWith(server.wsUrl, "tok-3", token);
    const b = await joinWith(server.wsUrl, "tok-3", token);
    if (a.answer.type !== "created") throw new Error("expected created");
    await a.c.next("peer-joined");
    a.c.ws.close();
    await a.c.closed();
    await b.c.next("peer-left");
    // Back with its resume token and a join token long expired: the call in progress is not cut.
    const back = await joinWith(server.wsUrl, "tok-3", await mint({ room: "tok-3", exp: now() - 3600 }), a.answer.resume);
    expect(back.answer).toMatchObject({ type: "joined", id: a.answer.id, resumed: true });
    // A resume token for another room is no admission.
    const other = await joinWith(server.wsUrl, "tok-4", undefined, a.answer.resume);
    expect(other.answer).toMatchObject({ type: "error", code: "unauthorized" });
    for (const x of [b, back, other]) x.c.close();
  });

  test("the occupancy fragment and relay credentials need a token too", async () => {
    const refused = await fetch(`${server.url}/rooms/tok-5/occupancy`);
    expect(refused.status).toBe(401);
    expect(await refused.text()).toContain("carried none");
    const ok = await fetch(`${server.url}/rooms/tok-5/occupancy?token=${await mint({ room: "tok-5", exp: now() + 60 })}`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain("Nobody here yet");
    const wrong = await fetch(`${server.url}/rooms/tok-5/occupancy?token=${await mint({ room: "tok-6", exp: now() + 60 })}`);
    expect(wrong.status).toBe(401);
    const c = await Client.connect(server.wsUrl);
    c.send({ type: "ice-refresh" });
    expect(await c.next("error")).toMatchObject({ code: "unauthorized" });
    c.close();
  });
});
