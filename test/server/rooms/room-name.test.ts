import { expect, test } from "bun:test";
import { RoomName, SERVER_MESSAGE_TYPES, ServerMessage } from "../../../src/shared/protocol.ts";
import { roomNameProblem } from "../../../src/shared/room-name.ts";

test("the server's schema and the browser's check agree on room names, message for message", () => {
  const names = ["a", "Team_Standup-2", "x".repeat(64), "x".repeat(65), "", "with space", "ünïcode", "a/b", "<script>", "a.b", "-_-", "0", "tab\there", "emoji😀"];
  for (const name of names) {
    const r = RoomName.safeParse(name);
    const problem = roomNameProblem(name);
    expect(r.success).toBe(problem === null);
    if (!r.success) expect(r.error.issues[0]!.message).toBe(problem!);
  }
});

test("the browser's list of server message types is the schema's", () => {
  const kinds = ServerMessage.def.options.map((o) => o.shape.type.def.values[0]);
  expect([...SERVER_MESSAGE_TYPES].sort()).toEqual([...kinds].sort());
});
