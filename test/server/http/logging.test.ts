import { afterAll, expect, test } from "bun:test";
import { parseConfig } from "../../../src/server/config.ts";
import { createLogger } from "../../../src/server/logger.ts";
import { startServer } from "../../../src/server/server.ts";
import { pair } from "../harness.ts";

const lines: string[] = [];
const server = await startServer(parseConfig({ PORT: "0" }), { log: createLogger("info", (l) => lines.push(l)) });
const wsUrl = server.url.replace(/^http/, "ws") + "/ws";
afterAll(() => server.shutdown());

test("one JSON line per join, leave and error, with room and peer ids, and never SDP or candidates", async () => {
  const { a, b } = await pair(wsUrl, "logged-room");
  a.client.send({ type: "description", description: { type: "offer", sdp: "v=0 SECRET-SDP-CONTENT" } });
  a.client.send({ type: "candidate", candidate: { candidate: "candidate:1 1 udp 1 198.51.100.7 9 typ host SECRET-CANDIDATE" } });
  a.client.send({ type: "app", payload: "SECRET-PAYLOAD" });
  await b.client.next("description");
  await b.client.next("candidate");
  await b.client.next("app");
  a.client.send("{broken");
  await a.client.next("error");
  b.client.send({ type: "leave" });
  await b.client.next("left");

  const records = lines.map((l) => JSON.parse(l));
  expect(records.every((r) => typeof r.time === "string" && typeof r.event === "string" && typeof r.level === "string")).toBe(true);
  expect(records.filter((r) => r.event === "join").map((r) => [r.room, r.peer])).toEqual([
    ["logged-room", a.id],
    ["logged-room", b.id],
  ]);
  expect(records.find((r) => r.event === "error")).toMatchObject({ code: "bad-json", room: "logged-room", peer: a.id });
  expect(records.find((r) => r.event === "leave")).toMatchObject({ room: "logged-room", peer: b.id, reason: "left" });
  expect(lines.join("\n")).not.toMatch(/SECRET|198\.51\.100\.7|v=0/);
  a.client.close();
});
