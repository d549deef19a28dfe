/**
 * A seeded, reproducible fuzzer for the signaling server. Fuzzing connections send
 * generated frames (garbage, truncated and deeply nested JSON, huge strings, wrong types,
 * unknown types, prototype keys, binary frames, valid messages in the wrong order) while
 * well-behaved pairs keep signaling. Each fuzzing connection keeps a model of its own state,
 * so the error every frame must get is known in advance and checked in order.
 */
import { CLOSE, type ServerMessage } from "../../src/shared/protocol.ts";

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What a frame must bring back: one of these error codes, a close code, or no error at all. */
export type Expect = { errors: string[] } | { close: number } | { none: true };

export interface Frame {
  data: string | Uint8Array<ArrayBuffer>;
  expect: Expect;
  /** The model's "in a room" after this frame. */
  joinedAfter: boolean;
}

/** Generates the next frame for a connection whose model says `joined`. */
export function nextFrame(rand: () => number, joined: boolean, room: string, maxBytes: number): Frame {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const str = (n: number) => {
    let s = "";
    for (let i = 0; i < n; i++) s += String.fromCharCode(32 + Math.floor(rand() * 95));
    return s;
  };
  const err = (...errors: string[]): Expect => ({ errors });
  const same = (f: Omit<Frame, "joinedAfter">): Frame => ({ ...f, joinedAfter: joined });
  const signal = () =>
    pick([
      { type: "description", description: { type: pick(["offer", "answer"]), sdp: `v=0\r\n${str(40)}` } },
      { type: "candidate", candidate: { candidate: `candidate:${str(20)}`, sdpMid: "0", sdpMLineIndex: 0 } },
      { type: "candidate", candidate: null },
      { type: "app", payload: { n: rand(), s: str(10) } },
    ]);

  switch (Math.floor(rand() * 16)) {
    case 0: {
      const bytes = new Uint8Array(1 + Math.floor(rand() * 200));
      for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(rand() * 256);
      return same({ data: bytes, expect: err("binary-unsupported") });
    }
    case 1:
      return same({ data: str(1 + Math.floor(rand() * 300)), expect: err("bad-json", "unknown-type") });
    case 2: {
      const valid = JSON.stringify({ type: "join", room });
      return same({ data: valid.slice(0, 1 + Math.floor(rand() * (valid.length - 2))), expect: err("bad-json") });
    }
    case 3: {
      const depth = 100 + Math.floor(rand() * 20_000);
      // Refused for its depth before it is parsed.
      return same({ data: "[".repeat(depth) + "]".repeat(depth), expect: err("bad-message") });
    }
    case 4: {
      const depth = 33 + Math.floor(rand() * 2000);
      const payload = '{"a":'.repeat(depth) + "1" + "}".repeat(depth);
      return same({ data: `{"type":"app","payload":${payload}}`, expect: err("bad-message") });
    }
    case 5: {
      // Within the frame limit but with a room name far too long.
      // Half the limit at most: escaping can double the size of these characters.
      const huge = str(Math.min(Math.floor(maxBytes / 2) - 100, 1000 + Math.floor(rand() * 40_000)));
      return same({ data: JSON.stringify({ type: "join", room: huge }), expect: err("bad-message") });
    }
    case 6:
      return same({
        data: JSON.stringify(pick([{ type: "join", room: 7 }, { type: "description", description: "offer" }, { type: "candidate", candidate: 5 }, { type: "join" }, { type: "app", to: "", payload: 1 }])),
        expect: err("bad-message"),
      });
    case 7:
      return same({ data: JSON.stringify(pick([{ type: str(8) }, { type: 42 }, {}, [], null, 1, "join", { type: "__proto__" }, { type: "constructor" }])), expect: err("unknown-type") });
    case 8: {
      // Prototype keys around an otherwise valid message: unknown fields, so refused.
      const data = pick([
        `{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}},"type":"leave"}`,
        `{"type":"app","payload":1,"__proto__":{"from":"x"}}`,
        `{"type":"description","description":{"type":"offer","sdp":"v=0","constructor":{}}}`,
      ]);
      return same({ data, expect: err("bad-message") });
    }
    case 9:
      return joined
        ? same({ data: JSON.stringify({ type: "join", room }), expect: err("already-joined") })
        : { data: JSON.stringify({ type: "join", room }), expect: { none: true }, joinedAfter: true };
    case 10:
      return joined
        ? { data: JSON.stringify({ type: "leave" }), expect: { none: true }, joinedAfter: false }
        : same({ data: JSON.stringify({ type: "leave" }), expect: err("not-joined") });
    case 11:
    case 12:
      // Signals to the whole room: the fuzzer is alone in its room, so nobody gets them.
      return same({ data: JSON.stringify(signal()), expect: joined ? { none: true } : err("not-joined") });
    case 13:
      return same({ data: JSON.stringify({ ...signal(), to: "nobody-here" }), expect: err(joined ? "no-such-peer" : "not-joined") });
    case 14:
      return same({ data: JSON.stringify({ type: "ping" }), expect: { none: true } });
    default:
      // Rare: above the frame limit, which closes the socket.
      if (rand() < 0.05) return { data: "x".repeat(maxBytes + 1), expect: { close: CLOSE.tooBig }, joinedAfter: false };
      return same({ data: JSON.stringify({ type: "join", room: `<script>${str(5)}` }), expect: err("bad-message") });
  }
}

export interface FuzzOptions {
  wsUrl: string;
  seed: number;
  /** Frames sent in all, across the fuzzing connections. */
  frames: number;
  connections: number;
  /** Well-behaved pairs that ping-pong while the fuzz runs. */
  pairs: number;
  maxBytes: number;
  /** Frames a fuzzing connection sends before it waits for the server to catch up. */
  window?: number;
}

export interface FuzzReport {
  framesSent: number;
  /** Frames whose answer did not match the model (should be 0). */
  mismatches: string[];
  closes: Record<number, number>;
  pairMessages: number;
  /** Messages a pair lost, got out of order, or got from outside its room (should be 0). */
  pairProblems: string[];
}

type Socket = WebSocket;

function open(url: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.binaryType = "arraybuffer";
    ws.addEventListener("open", () => resolve(ws), { once: true });
    ws.addEventListener("error", () => reject(new Error("connect failed")), { once: true });
  });
}

/** Runs one fuzzing connection until it has sent `frames` frames. */
async function fuzzConnection(opts: FuzzOptions, index: number, frames: number, report: FuzzReport) {
  const rand = prng(opts.seed * 1000 + index);
  const window = opts.window ?? 20;
  let sent = 0;
  let generation = 0;
  while (sent < frames) {
    const ws = await open(opts.wsUrl);
    const room = `fuzz-${opts.seed}-${index}-${generation++}`;
    const expected: Expect[] = [];
    const errors: string[] = [];
    let closedWith = 0;
    let joined = false;
    let wake = () => {};
    ws.addEventListener("message", (e) => {
      const m = JSON.parse(String(e.data)) as ServerMessage;
      if (m.type === "error") errors.push(m.code);
      else if (m.type === "description" || m.type === "candidate" || m.type === "app") report.mismatches.push(`fuzzer ${index} got a relayed ${m.type}`);
      wake();
    });
    ws.addEventListener("close", (e) => {
      closedWith = e.code;
      wake();
    });
    // Sends a window of frames, then a ping whose pong says all before it were answered.
    while (sent < frames && !closedWith) {
      let pongs = 0;
      const onPong = (e: MessageEvent) => {
        if (String(e.data) === '{"type":"pong"}') pongs++;
      };
      ws.addEventListener("message", onPong);
      let pingsSent = 0;
      for (let i = 0; i < window && sent < frames; i++) {
        const f = nextFrame(rand, joined, room, opts.maxBytes);
        ws.send(f.data);
        if (typeof f.data === "string" && f.data === '{"type":"ping"}') pingsSent++;
        sent++;
        expected.push(f.expect);
        joined = f.joinedAfter;
        if ("close" in f.expect) break;
      }
      ws.send('{"type":"ping"}');
      pingsSent++;
      const deadline = Date.now() + 10_000;
      while (pongs < pingsSent && !closedWith && Date.now() < deadline) {
        await new Promise<void>((r) => {
          wake = r;
          setTimeout(r, 50);
        });
      }
      ws.removeEventListener("message", onPong);
      if (pongs < pingsSent && !closedWith) report.mismatches.push(`fuzzer ${index}: no answer within 10 s`);
    }
    if (!closedWith) {
      ws.close();
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, 2000);
      });
    }
    check(index, expected, errors, closedWith, report);
  }
  report.framesSent += sent;
}

/** Matches the errors a connection got, in order, against what its model expected. */
function check(index: number, expected: Expect[], errors: string[], closedWith: number, report: FuzzReport) {
  let i = 0;
  for (const [n, e] of expected.entries()) {
    if ("errors" in e) {
      const got = errors[i++];
      if (got === undefined || !e.errors.includes(got)) {
        report.mismatches.push(`fuzzer ${index} frame ${n}: expected ${e.errors.join("|")}, got ${got ?? "nothing"}`);
        return;
      }
    } else if ("close" in e) {
      if (closedWith !== e.close) report.mismatches.push(`fuzzer ${index} frame ${n}: expected close ${e.close}, got ${closedWith}`);
    }
  }
  if (i !== errors.length) report.mismatches.push(`fuzzer ${index}: ${errors.length - i} unexpected errors (${errors.slice(i, i + 3).join(",")})`);
  report.closes[closedWith] = (report.closes[closedWith] ?? 0) + 1;
}

/** A well-behaved pair ping-ponging numbered app messages until `stop()`. */
async function wellBehavedPair(opts: FuzzOptions, index: number, report: FuzzReport, stopped: () => boolean) {
  const room = `calm-${opts.seed}-${index}`;
  const a = await open(opts.wsUrl);
  const b = await open(opts.wsUrl);
  const inbox = new Map<Socket, ServerMessage[]>([
    [a, []],
    [b, []],
  ]);
  let wake = () => {};
  for (const ws of [a, b]) {
    ws.addEventListener("message", (e) => {
      inbox.get(ws)!.push(JSON.parse(String(e.data)));
      wake();
    });
  }
  const take = async (ws: Socket, type: string) => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const box = inbox.get(ws)!;
      const at = box.findIndex((m) => m.type === type);
      if (at >= 0) return box.splice(0, at + 1).at(-1)!;
      if (Date.now() > deadline) throw new Error(`pair ${index}: no ${type}`);
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, 50);
      });
    }
  };
  a.send(JSON.stringify({ type: "join", room }));
  const created = await take(a, "created");
  b.send(JSON.stringify({ type: "join", room }));
  const joinedMsg = await take(b, "joined");
  await take(a, "peer-joined");
  const ids = new Map<Socket, string>([
    [a, (created as { id: string }).id],
    [b, (joinedMsg as { id: string }).id],
  ]);
  for (let n = 0; !stopped(); n++) {
    for (const [from, to] of [[a, b], [b, a]] as const) {
      from.send(JSON.stringify({ type: "app", payload: { room, n } }));
      const m = await take(to, "app");
      report.pairMessages++;
      if (m.type !== "app" || m.from !== ids.get(from) || JSON.stringify(m.payload) !== JSON.stringify({ room, n })) {
        report.pairProblems.push(`pair ${index}: expected message ${n} of ${room}, got ${JSON.stringify(m).slice(0, 120)}`);
      }
      const stray = inbox.get(to)!.filter((x) => x.type !== "pong");
      if (stray.length > 0) report.pairProblems.push(`pair ${index}: unexpected ${JSON.stringify(stray[0]).slice(0, 120)}`);
    }
  }
  a.close();
  b.close();
}

/** Runs the fuzz: all fuzzing connections and the pairs at once; bounded by `frames`. */
export async function runFuzz(opts: FuzzOptions): Promise<FuzzReport> {
  const report: FuzzReport = { framesSent: 0, mismatches: [], closes: {}, pairMessages: 0, pairProblems: [] };
  let done = false;
  const pairs = Array.from({ length: opts.pairs }, (_, i) =>
    wellBehavedPair(opts, i, report, () => done).catch((e) => {
      report.pairProblems.push(String(e));
    }),
  );
  const per = Math.ceil(opts.frames / opts.connections);
  await Promise.all(Array.from({ length: opts.connections }, (_, i) => fuzzConnection(opts, i, per, report)));
  done = true;
  await Promise.all(pairs);
  return report;
}
