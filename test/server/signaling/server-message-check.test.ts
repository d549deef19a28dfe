/**
 * The browser's zod-free check of server messages against the protocol's zod schemas:
 * whatever the schemas call valid, the check takes; what breaks a field the elements use,
 * both refuse.
 */
import { describe, expect, test } from "bun:test";
import { ServerMessage } from "../../../src/shared/protocol.ts";
import { checkServerMessage } from "../../../src/shared/server-message-check.ts";
import { prng } from "../../support/fuzz.ts";

const ID = "q3Xb0aPz1LcK";
const OTHER = "Vn8sW2mE4tRa";
const turn = { urls: ["turn:turn.example.com:3478?transport=udp", "turns:turn.example.com:443?transport=tcp"], username: "1764049000:q3Xb0aPz1LcK", credential: "Yx7Lq0aZ3mN8pR2sT5vW9w=" };
const ice = { iceServers: [{ urls: ["stun:stun.example.com"] }, turn], iceTransportPolicy: "all", expires: 1764049000 };
const info = { room: "standup", id: ID, capacity: 2, resume: "standup.q3Xb0aPz1LcK.1764049000.Yx7Lq0aZ3mN8pR2sT5vW9w", resumed: false, ice };
const candidate = { candidate: "candidate:1 1 udp 2122260223 192.0.2.10 54400 typ host", sdpMid: "0", sdpMLineIndex: 0, usernameFragment: "hT4x" };

/** One valid message of each kind, with its optional fields chosen by `rand`. */
function samples(rand: () => number): unknown[] {
  const maybe = <T extends object>(fields: T) => (rand() < 0.5 ? fields : {});
  const relay = () => ({ from: OTHER, ...maybe({ to: ID }) });
  const link = () => maybe({ link: Math.floor(rand() * 2 ** 31) });
  return [
    { type: "created", ...info, resumed: rand() < 0.5, ...(rand() < 0.5 ? { ice: { iceServers: [], iceTransportPolicy: "relay" } } : {}) },
    { type: "joined", ...info, peers: rand() < 0.5 ? [] : [OTHER, "a-b_c"], ...maybe({ profile: { name: "Ada", verified: true }, profiles: { [OTHER]: { name: "Grace H.", verified: false } } }) },
    { type: "full", room: "standup", capacity: 1 + Math.floor(rand() * 16) },
    { type: "peer-joined", peer: OTHER, ...maybe({ profile: { name: "Émile", verified: rand() < 0.5 } }) },
    { type: "peer-resumed", peer: OTHER },
    { type: "peer-left", peer: OTHER, reason: ["left", "closed", "timeout"][Math.floor(rand() * 3)] },
    { type: "left", room: "standup" },
    { type: "description", ...relay(), ...link(), description: { type: ["offer", "answer", "pranswer", "rollback"][Math.floor(rand() * 4)], ...maybe({ sdp: "v=0\r\n" }) } },
    { type: "candidate", ...relay(), ...link(), candidate: rand() < 0.2 ? null : { ...candidate, ...maybe({ sdpMid: null, sdpMLineIndex: null, usernameFragment: null }) } },
    { type: "app", ...relay(), payload: rand() < 0.5 ? null : { any: [1, "x"] } },
    { type: "pong" },
    { type: "ice", ice: rand() < 0.5 ? ice : { iceServers: [], iceTransportPolicy: "all" } },
    { type: "error", code: "no-such-peer", message: "No peer.", ...maybe({ peer: OTHER }) },
  ];
}

/** Messages that break a field the elements act on: both the schema and the check refuse them. */
const broken: unknown[] = [
  null,
  [],
  "joined",
  { type: "nonsense" },
  { type: "created", ...info, id: '"]) x' },
  { type: "created", ...info, capacity: 0 },
  { type: "created", ...info, resumed: "yes" },
  { type: "joined", ...info, peers: [7] },
  { type: "joined", ...info, peers: ["a b"] },
  { type: "joined", ...info },
  { type: "full", room: "standup", capacity: -1 },
  { type: "peer-joined", peer: "" },
  { type: "peer-joined", peer: OTHER, profile: { name: "", verified: true } },
  { type: "peer-joined", peer: OTHER, profile: { name: "x".repeat(65), verified: true } },
  { type: "peer-joined", peer: OTHER, profile: { name: "Ada", verified: "yes" } },
  { type: "joined", ...info, peers: [], profiles: { "bad id": { name: "Ada", verified: true } } },
  { type: "created", ...info, profile: "Ada" },
  { type: "peer-joined", peer: "x".repeat(33) },
  { type: "peer-resumed" },
  { type: "peer-left", peer: OTHER, reason: "kicked" },
  { type: "description", from: OTHER, description: { type: "bogus", sdp: "v=0" } },
  { type: "description", from: OTHER, description: "offer" },
  { type: "description", from: OTHER, link: -1, description: { type: "offer" } },
  { type: "description", from: OTHER, link: 1.5, description: { type: "offer" } },
  { type: "description", description: { type: "offer" } },
  { type: "description", from: OTHER, to: "<script>", description: { type: "offer" } },
  { type: "candidate", from: OTHER, candidate: 5 },
  { type: "candidate", from: OTHER },
  { type: "candidate", from: OTHER, candidate: { candidate: 1 } },
  { type: "candidate", from: OTHER, candidate: { ...candidate, sdpMLineIndex: -5 } },
  { type: "app", from: "bad id" , payload: 1 },
  { type: "app", from: OTHER },
  { type: "created", room: "standup", id: ID, capacity: 2, resume: info.resume, resumed: false },
  { type: "created", ...info, ice: { ...ice, iceTransportPolicy: "none" } },
  { type: "joined", ...info, peers: [], ice: { iceServers: [{ urls: "turn:x" }], iceTransportPolicy: "all" } },
  { type: "ice", ice: { iceServers: [{ urls: [1] }], iceTransportPolicy: "all" } },
  { type: "ice", ice: { iceServers: [turn], iceTransportPolicy: "all", expires: "soon" } },
  { type: "ice" },
  { type: "error", code: 7, message: "x" },
  { type: "error", code: "internal" },
  { type: "error", code: "internal", message: "x", peer: "no such id!" },
];

describe("the browser's check of server messages", () => {
  test("takes every message the protocol's schemas take", () => {
    const rand = prng(11);
    for (let round = 0; round < 200; round++) {
      for (const m of samples(rand)) {
        expect(ServerMessage.safeParse(m).success).toBe(true);
        expect(checkServerMessage(m)).toEqual(m as never);
      }
    }
  });

  test("refuses what breaks a field the elements use, as the schemas do", () => {
    for (const m of broken) {
      expect(ServerMessage.safeParse(m).success, JSON.stringify(m)).toBe(false);
      expect(checkServerMessage(m), JSON.stringify(m)).toBeNull();
    }
  });
});
