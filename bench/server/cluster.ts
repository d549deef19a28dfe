/**
 * Cluster: ours with REDIS_URL (a real redis-server on loopback, fresh for each run) against
 * ours embedded, measured in the same rounds. Relay with both peers of each room on one
 * node and with them on two nodes; joins; idle memory per socket.
 */
import { startRedis } from "../../test/support/services/redis-server.ts";
import { runLoad, startHolder } from "../lib/generators.ts";
import { alternate } from "../lib/rounds.ts";
import type { Section } from "../lib/section.ts";
import { type BenchServer, withServer } from "../lib/servers.ts";
import { median, summarize } from "../lib/stats.ts";
import { fmt, goalRow, int, RATIO_HEAD, ratioRow, spread } from "../lib/table.ts";
import type { RelayRun } from "./relay.ts";

type Relay = RelayRun & { otherCpuUsPerMessage: number[] };
interface Join {
  joinedP50: number;
  joinedP99: number;
  allInMs: number;
  serverCpuUsPerSocket: number;
  otherCpuUsPerSocket: number[];
}
interface Idle {
  bytesPerSocket: number;
  heapBytesPerSocket: number;
  redisBytesPerSocket: number;
}

const RELAY = { pairs: 100, seconds: 4, warmupSeconds: 1, window: 2, sdpBytes: 1024 };
const JOIN_PAIRS = 500;
const IDLE_SOCKETS = 10_000;

interface ClusterResult {
  relay: { embedded: Relay[]; "same-node": Relay[]; "two-nodes": Relay[] };
  join: { embedded: Join[]; cluster: Join[] };
  idle: { embedded: Idle[]; cluster: Idle[] };
}

/** Runs `f` with a fresh redis-server and `count` nodes on it (none: embedded), all stopped afterwards. */
async function withNodes<T>(count: number, env: Record<string, string>, f: (nodes: BenchServer[], redisPid: number | null) => Promise<T>): Promise<T> {
  if (count === 0) return withServer("ours", env, (s) => f([s], null));
  const redis = await startRedis();
  try {
    const nodeEnv = { ...env, REDIS_URL: redis.url, RESUME_SECRET: "bench-cluster-resume-secret-0123456789" };
    return await withServer("ours", nodeEnv, (a) => (count === 1 ? f([a], redis.pid) : withServer("ours", nodeEnv, (b) => f([a, b], redis.pid))));
  } finally {
    await redis.stop();
  }
}

/** Resident memory of a process (bytes), from /proc. */
async function rssOf(pid: number): Promise<number> {
  const status = await Bun.file(`/proc/${pid}/status`).text();
  return Number(status.match(/VmRSS:\s+(\d+)/)![1]) * 1024;
}

export const cluster: Section<ClusterResult> = {
  name: "cluster",
  groups: ["signaling"],
  async run({ rounds, log }) {
    const relay = await alternate(["embedded", "same-node", "two-nodes"] as const, rounds, (kind, round) =>
      withNodes(kind === "embedded" ? 0 : kind === "same-node" ? 1 : 2, {}, async (nodes, redisPid) => {
        const [a, b] = [nodes[0]!, nodes[1] ?? nodes[0]!];
        const otherPids = [...(b !== a ? [b.pid] : []), ...(redisPid !== null ? [redisPid] : [])];
        const r = await runLoad<Relay>("bench/load/relay.ts", { ...RELAY, kind: "ours", url: a.wsUrl, urlB: b.wsUrl, serverPid: a.pid, otherPids, tag: `c${round}` });
        log(`cluster relay ${kind}`, JSON.stringify(r));
        return r;
      }),
    );
    const join = await alternate(["embedded", "cluster"] as const, rounds, (kind, round) =>
      withNodes(kind === "embedded" ? 0 : 1, {}, async ([s], redisPid) => {
        const otherPids = redisPid !== null ? [redisPid] : [];
        await runLoad("bench/load/join.ts", { kind: "ours", url: s!.wsUrl, serverPid: s!.pid, pairs: 100, tag: `cwarm${round}`, otherPids });
        const r = await runLoad<Join>("bench/load/join.ts", { kind: "ours", url: s!.wsUrl, serverPid: s!.pid, pairs: JOIN_PAIRS, tag: `c${round}`, otherPids });
        log(`cluster join ${kind}`, JSON.stringify(r));
        return r;
      }),
    );
    const idle = await alternate(["embedded", "cluster"] as const, rounds, (kind, round) =>
      withNodes(kind === "embedded" ? 0 : 1, { LOG_LEVEL: "info" }, async ([s], redisPid) => {
        const warm = await startHolder("bench/load/hold.ts", { kind: "ours", url: s!.wsUrl, count: 200, tag: `cwarm-${round}` });
        await warm.release();
        const before = await s!.memory();
        const redisBefore = redisPid !== null ? await rssOf(redisPid) : 0;
        const h = await startHolder<{ sockets: number }>("bench/load/hold.ts", { kind: "ours", url: s!.wsUrl, count: IDLE_SOCKETS, tag: `c${round}` });
        await Bun.sleep(1000);
        const after = await s!.memory();
        const redisAfter = redisPid !== null ? await rssOf(redisPid) : 0;
        await h.release();
        if (h.ready.sockets !== IDLE_SOCKETS) throw new Error(`held ${h.ready.sockets} of ${IDLE_SOCKETS}`);
        const r = {
          bytesPerSocket: (after.rss - before.rss) / IDLE_SOCKETS,
          heapBytesPerSocket: (after.heapUsed - before.heapUsed) / IDLE_SOCKETS,
          redisBytesPerSocket: (redisAfter - redisBefore) / IDLE_SOCKETS,
        };
        log(`cluster idle ${kind}`, JSON.stringify(r));
        return r;
      }),
    );
    return { relay, join, idle };
  },

  goals({ relay }) {
    const cpu = (rs: Relay[]) => rs.map((r) => r.serverCpuUsPerMessage);
    return [goalRow("cluster, both peers on one node: server CPU per relayed message (µs; baseline: embedded)", cpu(relay.embedded), cpu(relay["same-node"]), 2, { max: 1.1 })];
  },

  render({ relay, join, idle }) {
    const col = <T>(rs: T[], f: (r: T) => number) => rs.map(f);
    const total = (r: Relay) => r.serverCpuUsPerMessage + r.otherCpuUsPerMessage.reduce((a, b) => a + b, 0);
    const same = relay["same-node"];
    const cross = relay["two-nodes"];
    const m = (rs: Relay[], f: (r: Relay) => number) => median(rs.map(f));
    const crossParts = [
      ["node of the first peer", (r: Relay) => r.serverCpuUsPerMessage],
      ["node of the second peer", (r: Relay) => r.otherCpuUsPerMessage[0] ?? NaN],
      ["redis-server", (r: Relay) => r.otherCpuUsPerMessage[1] ?? NaN],
    ] as const;
    const jtotal = (r: Join) => r.serverCpuUsPerSocket + r.otherCpuUsPerSocket.reduce((a, b) => a + b, 0);
    const sameRedis = m(same, (r) => r.otherCpuUsPerMessage[0] ?? 0);
    return [
      "## Cluster (REDIS_URL)",
      "",
      `Ours with \`REDIS_URL\` (a real redis-server on loopback, fresh for each run; [scaling.md](scaling.md)) against ours embedded, in the same rounds. Relay: ${RELAY.pairs} rooms of two ping-pong the relay benchmark's description, ${RELAY.window} in flight per pair, for ${RELAY.seconds} s after ${RELAY.warmupSeconds} s; "one node": both peers of every room on the same node; "two nodes": the first of each pair on one node, the second on another, so every message crosses Redis. CPU per message is of every process named, read from /proc around the measured span.`,
      "",
      "### Relay, both peers on one node",
      "",
      ...RATIO_HEAD.map((l) => l.replace("| baseline | ours |", "| embedded | cluster |")),
      ratioRow("server CPU per relayed message (µs)", col(relay.embedded, (r) => r.serverCpuUsPerMessage), col(same, (r) => r.serverCpuUsPerMessage), 2, { max: 1.1 }),
      ratioRow("messages relayed per second", col(relay.embedded, (r) => r.messagesPerSecond), col(same, (r) => r.messagesPerSecond), 0),
      ratioRow("round trip p50 (ms)", col(relay.embedded, (r) => r.rttP50), col(same, (r) => r.rttP50), 2),
      ratioRow("round trip p99 (ms)", col(relay.embedded, (r) => r.rttP99), col(same, (r) => r.rttP99), 2),
      "",
      `redis-server meanwhile: ${fmt(sameRedis, 3)} µs per message (the lease and sweeps only: peers of one node never go through Redis).`,
      "",
      "### Relay across two nodes",
      "",
      "| figure | one node | two nodes | ratio |",
      "|---|---|---|---|",
      `| total CPU per relayed message, every process (µs) | ${spread(summarize(col(same, total)), 2)} | ${spread(summarize(col(cross, total)), 2)} | ${fmt(m(cross, total) / m(same, total), 2)} × |`,
      ...crossParts.map(([name, f]) => `| … ${name} (µs) | ${name === "node of the first peer" ? spread(summarize(col(same, f)), 2) : name === "redis-server" ? fmt(sameRedis, 2) : "–"} | ${spread(summarize(col(cross, f)), 2)} | |`),
      `| … the first peer's node in user space / the kernel (µs) | ${fmt(m(same, (r) => r.serverUserUsPerMessage), 2)} / ${fmt(m(same, (r) => r.serverSystemUsPerMessage), 2)} | ${fmt(m(cross, (r) => r.serverUserUsPerMessage), 2)} / ${fmt(m(cross, (r) => r.serverSystemUsPerMessage), 2)} | |`,
      `| messages relayed per second | ${spread(summarize(col(same, (r) => r.messagesPerSecond)), 0)} | ${spread(summarize(col(cross, (r) => r.messagesPerSecond)), 0)} | ${fmt(m(cross, (r) => r.messagesPerSecond) / m(same, (r) => r.messagesPerSecond), 2)} × |`,
      `| round trip p50 (ms) | ${spread(summarize(col(same, (r) => r.rttP50)), 2)} | ${spread(summarize(col(cross, (r) => r.rttP50)), 2)} | ${fmt(m(cross, (r) => r.rttP50) / m(same, (r) => r.rttP50), 2)} × |`,
      `| round trip p99 (ms) | ${spread(summarize(col(same, (r) => r.rttP99)), 2)} | ${spread(summarize(col(cross, (r) => r.rttP99)), 2)} | ${fmt(m(cross, (r) => r.rttP99) / m(same, (r) => r.rttP99), 2)} × |`,
      "",
      `Where the cost goes: across nodes, a message is received and checked on its sender's node as on one node, then published once to the receiving node's channel (a header line and the frame as it came, not encoded again); Redis hands it to that one node, which reads the header and sends the frame to its peer. With both directions of every pair crossing, each node does the sender's half of one message and the receiver's half of another: each node's figure (${fmt(m(cross, (r) => r.serverCpuUsPerMessage), 1)} µs against ${fmt(m(same, (r) => r.serverCpuUsPerMessage), 1)} µs for the whole relay on one node) is mostly user space, ${fmt(m(cross, (r) => r.serverUserUsPerMessage) - m(same, (r) => r.serverUserUsPerMessage), 1)} µs more than on one node: the Redis client's JavaScript for one PUBLISH (a command object and its promise, the RESP encoding) and for one message read from the subscription (the RESP parser), with a socket write and read more in the kernel. redis-server's share is ${fmt(m(cross, (r) => r.otherCpuUsPerMessage[1] ?? NaN), 1)} µs. Batching several relays to one node into one PUBLISH would take most of the client's share off; it is not done. On this two-core machine three servers and the load generator share two cores, so the two-node throughput and round trip are bounded by the machine, not by any one process: CPU per message is the figure to compare.`,
      "",
      "### Join",
      "",
      `${int(JOIN_PAIRS)} pairs (${int(JOIN_PAIRS * 2)} sockets) connect and join at once, after 100 pairs did the same to warm the server; with Redis, each join is one Lua script (EVALSHA) on the node's Redis connection.`,
      "",
      ...RATIO_HEAD.map((l) => l.replace("| baseline | ours |", "| embedded | cluster |")),
      ratioRow("connect → joined p50 (ms)", col(join.embedded, (r) => r.joinedP50), col(join.cluster, (r) => r.joinedP50), 1),
      ratioRow("connect → joined p99 (ms)", col(join.embedded, (r) => r.joinedP99), col(join.cluster, (r) => r.joinedP99), 1),
      ratioRow("joins per second (all sockets ÷ time until the last was in)", col(join.embedded, (r) => (JOIN_PAIRS * 2) / (r.allInMs / 1000)), col(join.cluster, (r) => (JOIN_PAIRS * 2) / (r.allInMs / 1000)), 0),
      ratioRow("server CPU per socket, upgrade + join (µs)", col(join.embedded, (r) => r.serverCpuUsPerSocket), col(join.cluster, (r) => r.serverCpuUsPerSocket), 0),
      ratioRow("… with redis-server's (µs)", col(join.embedded, jtotal), col(join.cluster, jtotal), 0),
      "",
      "### Idle sockets",
      "",
      `${int(IDLE_SOCKETS)} sockets joined in rooms of two and left idle, memory read after a full collection as in Idle connections; redis-server's resident memory before and after, besides.`,
      "",
      ...RATIO_HEAD.map((l) => l.replace("| baseline | ours |", "| embedded | cluster |")),
      ratioRow("server RSS per socket (bytes)", col(idle.embedded, (r) => r.bytesPerSocket), col(idle.cluster, (r) => r.bytesPerSocket), 0),
      ratioRow("… of it JS heap (bytes)", col(idle.embedded, (r) => r.heapBytesPerSocket), col(idle.cluster, (r) => r.heapBytesPerSocket), 0),
      `| redis-server RSS per socket (bytes) | | ${spread(summarize(col(idle.cluster, (r) => r.redisBytesPerSocket)), 0)} | | | |`,
      "",
    ];
  },
};
