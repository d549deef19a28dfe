/**
 * Micro-benchmark: the JavaScript work ours does per relayed `description` that the bare
 * relay does not (rate limit, the scan before parsing, the parse with the SDP left out and the schema's compiled check, `from` put in front), step by step, on the
 * frame the relay benchmark sends; and other ways of doing it, for contrast.
 * Prints one JSON line: nanoseconds per operation, median of repeats.
 */
import { Address } from "../../src/server/limits/address-limits.ts";
import { Connection } from "../../src/server/signaling/connection.ts";
import { FRAME_LIMITS, FrameScan, keyCount } from "../../src/server/limits/frame-scan.ts";
import { compileCheck } from "../../src/server/signaling/compiled-check.ts";
import { HOLLOW_FROM, HollowParse } from "../../src/server/signaling/hollow-parse.ts";
import { ClientMessage, payloadWithinDepth } from "../../src/shared/protocol.ts";
import { median } from "../lib/stats.ts";
import { descriptionFrame } from "../load/sdp.ts";

const args = JSON.parse(process.argv[2] ?? "{}") as { sdpBytes?: number; repeats?: number; msPerRepeat?: number };
const frame = descriptionFrame(args.sdpBytes ?? 1024);
const REPEATS = args.repeats ?? 5;
const MS = args.msPerRepeat ?? 150;
const FROM = "Ab3dE6gH9jK1";

// Results feed this, so the engine cannot drop the work as unused.
let sink = 0;

const BATCH = 1000;

/** Runs `f` `batches` × BATCH times, letting queued promise jobs run between batches. */
async function loop(f: () => unknown, batches: number): Promise<number> {
  const t = performance.now();
  for (let b = 0; b < batches; b++) {
    for (let i = 0; i < BATCH; i++) f();
    await null;
  }
  return performance.now() - t;
}

/** ns per call of `f`: calibrated to ~MS per repeat, median of REPEATS after a warm-up. */
async function timeIt(f: () => unknown): Promise<number> {
  let batches = 1;
  while ((await loop(f, batches)) < MS / 4) batches *= 2;
  const per: number[] = [];
  for (let r = 0; r < REPEATS; r++) per.push(((await loop(f, batches * 4)) * 1e6) / (batches * 4 * BATCH));
  return median(per);
}

// The same frame with an SDP of one repeated letter: no CRLF to escape.
const plainFrame = JSON.stringify({ type: "description", description: { type: "offer", sdp: "a".repeat(args.sdpBytes ?? 1024) } });
const plainParsed = JSON.parse(plainFrame);
const parsed = JSON.parse(frame);
const valid = ClientMessage.parse(parsed);
const scan = new FrameScan(FRAME_LIMITS, HOLLOW_FROM);
const isClientMessage = compileCheck(ClientMessage);
const hollow = new HollowParse(ClientMessage, [payloadWithinDepth]);
// The scan notes the SDP for the parse that leaves it out.
if (scan.check(frame) !== null || scan.spans !== 1) throw new Error("the frame's SDP is not left out of the parse");
const unlimited = { perSecond: 1e15, burst: 1e15 };
const connection = new Connection(new Address("127.0.0.1", unlimited, performance.now()), { messages: unlimited, bytes: unlimited, queuePerSender: 1e15, queueFromRoom: 1e15 });

/** A check written by hand for the same rule the schema gives a description. */
function checkDescription(v: any): boolean {
  if (typeof v !== "object" || v === null || v.type !== "description") return false;
  if (v.to !== undefined && (typeof v.to !== "string" || !/^[A-Za-z0-9_-]{1,32}$/.test(v.to))) return false;
  const d = v.description;
  if (typeof d !== "object" || d === null) return false;
  if (d.type !== "offer" && d.type !== "answer" && d.type !== "pranswer" && d.type !== "rollback") return false;
  return d.sdp === undefined || (typeof d.sdp === "string" && d.sdp.length <= 65536);
}

/** What ours does with a checked frame: `from` put in front of it as it came. */
const spliced = (raw: string) => `{"from":${JSON.stringify(FROM)},${raw.slice(raw.indexOf("{") + 1)}`;
/** The other way: a new frame encoded from the parsed message. */
const rebuilt = (m: typeof valid) => {
  if (m.type !== "description") throw new Error("not a description");
  return JSON.stringify({ type: "description", from: FROM, description: m.description });
};

const steps: Record<string, () => unknown> = {
  "rate limits: performance.now(), message bucket, byte budgets of connection and address": () => {
    const now = performance.now();
    if (connection.takeMessage(now) && connection.mayWork(now) && connection.address.mayWork(now)) sink++;
    connection.spend(frame.length);
  },
  "scan of the text before parsing: depth, values, keys": () => (sink += scan.check(frame) === null ? 1 : 0),
  "for contrast: repeated keys of the whole frame's value, its keys counted against the scan's": () => (sink += keyCount(parsed)),
  "parse with the SDP left out: the SDP checked to be a JSON string, JSON.parse of the rest, keys and left-out strings counted, the schema's check": () => {
    scan.check(frame);
    const v = hollow.read(frame, scan) as { type: string } | undefined;
    sink += v === undefined ? 0 : v.type.length;
  },
  "for contrast: JSON.parse of the whole frame (ours' way for frames without long strings)": () => (sink += JSON.parse(frame).type.length),
  "for contrast: the schema's check of the whole frame's value, compiled from ClientMessage": () => (sink += isClientMessage(parsed) ? 1 : 0),
  "`from` put in front of the frame": () => (sink += spliced(frame).length),
  "all of ours' steps together": () => {
    const now = performance.now();
    if (!connection.takeMessage(now) || !connection.mayWork(now) || !connection.address.mayWork(now)) return;
    const problem = scan.check(frame);
    connection.spend(frame.length + 16 * scan.items);
    if (problem !== null) return;
    if (hollow.read(frame, scan) !== undefined) sink += spliced(frame).length;
  },
  "for contrast: a new frame with `from`, JSON.stringify": () => (sink += rebuilt(valid).length),
  "for contrast: JSON.parse, sdp without CRLF": () => (sink += JSON.parse(plainFrame).type.length),
  "for contrast: rebuild + JSON.stringify, sdp without CRLF": () =>
    (sink += JSON.stringify({ type: "description", from: FROM, description: plainParsed.description }).length),
  "for contrast: zod's own ClientMessage.safeParse": () => (sink += ClientMessage.safeParse(parsed).success ? 1 : 0),
  "for contrast: a hand-written check instead of zod": () => (sink += checkDescription(parsed) ? 1 : 0),
  "for contrast: the least a checked relay can do (JSON.parse, hand-written check, `from` in front)": () => {
    const v = JSON.parse(frame);
    if (checkDescription(v)) sink += spliced(frame).length;
  },
};

const nsPerOp: Record<string, number> = {};
for (const [name, f] of Object.entries(steps)) nsPerOp[name] = await timeIt(f);
console.log(JSON.stringify({ frameBytes: frame.length, nsPerOp, sink: sink > 0 }));
process.exit(0);
