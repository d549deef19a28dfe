/** `<video-call>`'s state as a pure function of what it knows (no browser needed). */
import { describe, expect, test } from "bun:test";
import { type CallFacts, callState } from "../../src/components/video-call/call-state.ts";

const live: CallFacts = {
  idle: false,
  ended: null,
  starting: false,
  signaling: "open",
  everOpened: true,
  unreachable: false,
  joined: true,
  peers: 1,
  links: ["connected"],
};
const facts = (f: Partial<CallFacts>): CallFacts => ({ ...live, ...f });

describe("call state", () => {
  test("from nothing to a call", () => {
    expect(callState(facts({ idle: true, joined: false, peers: 0, links: [], signaling: "idle", everOpened: false }))).toBe("idle");
    expect(callState(facts({ starting: true, joined: false, links: [], signaling: "idle", everOpened: false }))).toBe("starting");
    expect(callState(facts({ joined: false, peers: 0, links: [], signaling: "connecting", everOpened: false }))).toBe("connecting");
    expect(callState(facts({ joined: false, peers: 0, links: [] }))).toBe("connecting");
    expect(callState(facts({ peers: 0, links: [] }))).toBe("waiting");
    expect(callState(facts({ links: ["new"] }))).toBe("connecting-peer");
    expect(callState(facts({ links: ["connecting"] }))).toBe("connecting-peer");
    expect(callState(live)).toBe("connected");
  });

  test("the lobby: before any seat, whatever the devices do; an end still wins", () => {
    const lobby = facts({ idle: true, lobby: true, joined: false, peers: 0, links: [], signaling: "idle", everOpened: false });
    expect(callState(lobby)).toBe("lobby");
    expect(callState({ ...lobby, starting: true })).toBe("lobby");
    expect(callState({ ...lobby, ended: "hung-up" })).toBe("hung-up");
    expect(callState({ ...lobby, lobby: false })).toBe("idle");
  });

  test("a call with any connected peer is connected, even while signaling is away", () => {
    expect(callState(facts({ links: ["failed", "connected"] }))).toBe("connected");
    expect(callState(facts({ signaling: "reconnecting" }))).toBe("connected");
  });

  test("signaling lost: reconnecting once it had been open, connecting before", () => {
    expect(callState(facts({ signaling: "reconnecting", links: ["disconnected"] }))).toBe("reconnecting");
    expect(callState(facts({ signaling: "reconnecting", joined: false, peers: 0, links: [] }))).toBe("reconnecting");
    expect(callState(facts({ signaling: "connecting", everOpened: false, joined: false, peers: 0, links: [] }))).toBe("connecting");
  });

  test("failures: an unreachable server before joining, a failed link with nobody connected", () => {
    expect(callState(facts({ signaling: "connecting", everOpened: false, unreachable: true, joined: false, peers: 0, links: [] }))).toBe("failed");
    expect(callState(facts({ links: ["failed"] }))).toBe("failed");
    // Unreachable after having joined: still in the room as far as anyone knows.
    expect(callState(facts({ signaling: "reconnecting", unreachable: true, links: ["disconnected"] }))).toBe("reconnecting");
  });

  test("an ended call stays ended whatever else is true", () => {
    for (const ended of ["failed", "full", "invalid-room", "invalid-config", "unauthorized", "replaced", "disconnected", "hung-up"] as const) {
      expect(callState(facts({ ended }))).toBe(ended);
      expect(callState(facts({ ended, idle: true, starting: true }))).toBe(ended);
    }
  });
});
