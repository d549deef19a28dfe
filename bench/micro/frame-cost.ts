/**
 * Micro-benchmark: what the costliest frames a client may send cost the server's
 * JavaScript, shape by shape (test/support/costly-frames.ts), against a plain SDP-like
 * `description`: the scan before parsing, all of ours (the scan, then JSON.parse and the
 * schema for a frame the scan lets through), JSON.parse and the schema without the scan,
 * and the same with the payload's depth check as it was before (it walked arrays through
 * Object.values, which copies them), which is what such a frame cost then. Also the work
 * each frame is charged against the byte budgets. Prints one JSON line.
 */
import { FRAME_LIMITS, FrameScan } from "../../src/server/limits/frame-scan.ts";
import * as z from "zod/mini";
import { ClientMessage, PAYLOAD_MAX_DEPTH, PeerId } from "../../src/shared/protocol.ts";
import { costlyFrames } from "../../test/support/costly-frames.ts";
import { descriptionFrame } from "../load/sdp.ts";
import { median } from "../lib/stats.ts";

const args = JSON.parse(process.argv[2] ?? "{}") as { maxBytes?: number; repeats?: number; msPerRepeat?: number };
const MAX_BYTES = args.maxBytes ?? 65536;
const REPEATS = args.repeats ?? 5;
const MS = args.msPerRepeat ?? 100;
/** What a JSON value or key adds to a frame's charge (signaling.ts). */
const VALUE_BYTES = 16;

const scan = new FrameScan(FRAME_LIMITS);

/** The payload's depth check as it was. */
function withinDepthBefore(value: unknown, max: number): boolean {
  if (typeof value !== "object" || value === null) return true;
  if (max <= 0) return false;
  for (const v of Object.values(value)) if (!withinDepthBefore(v, max - 1)) return false;
  return true;
}
const AppBefore = z.strictObject({
  type: z.literal("app"),
  to: z.optional(PeerId),
  payload: z.unknown().check(z.refine((v) => withinDepthBefore(v, PAYLOAD_MAX_DEPTH))),
});
let sink = 0;

/** µs per call of `f`: calibrated to ~MS per repeat, median of REPEATS after a warm-up. */
function timeIt(f: () => unknown): number {
  let n = 1;
  for (;;) {
    const t = performance.now();
    for (let i = 0; i < n; i++) f();
    if (performance.now() - t >= MS / 4) break;
    n *= 2;
  }
  const per: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const t = performance.now();
    for (let i = 0; i < n; i++) f();
    per.push(((performance.now() - t) * 1000) / n);
  }
  return median(per);
}

function parseAndCheck(frame: string, schema: { safeParse(v: unknown): { success: boolean } } = ClientMessage, repeats = false): void {
  try {
    const value = JSON.parse(frame);
    if (repeats && scan.repeated(frame, value) !== null) return;
    sink += schema.safeParse(value).success ? 1 : 0;
  } catch {
    sink--;
  }
}

const frames: Record<string, string> = { "a description with a 60 KB SDP (for contrast)": descriptionFrame(60_000), ...costlyFrames(MAX_BYTES) };
const rows = Object.entries(frames).map(([shape, frame]) => {
  const refused = scan.check(frame);
  const charged = frame.length + VALUE_BYTES * scan.items;
  const scanUs = timeIt(() => (sink += scan.check(frame) === null ? 1 : 0));
  const oursUs = timeIt(() => {
    if (scan.check(frame) === null) parseAndCheck(frame, ClientMessage, true);
  });
  const withoutScanUs = timeIt(() => parseAndCheck(frame));
  const beforeUs = frame.startsWith(`{"type":"app"`) ? timeIt(() => parseAndCheck(frame, AppBefore)) : withoutScanUs;
  return { shape, bytes: frame.length, refused: refused === null ? null : refused.includes("deeper") ? "depth" : refused.includes("values") ? "values" : "other", charged, scanUs, oursUs, withoutScanUs, beforeUs };
});
console.log(JSON.stringify({ maxBytes: MAX_BYTES, rows, sink: sink !== 0 }));
process.exit(0);
