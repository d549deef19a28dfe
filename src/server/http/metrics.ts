/**
 * The server's Prometheus metrics (prom-client), scraped at GET /metrics. Labels carry
 * kinds and codes only, never room names, peer ids or user names: their number stays
 * bounded, and nothing about who calls whom leaves the server this way.
 */
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { ERROR_CODES } from "../../shared/protocol.ts";

/** How a join ended. */
export const JOIN_OUTCOMES = ["created", "joined", "full", "room-limit", "room-name", "unauthorized", "unavailable"] as const;
export type JoinOutcomeLabel = (typeof JOIN_OUTCOMES)[number];
/** What a resume token got: its seat back (`seat`), its id on a new seat (`id`), or nothing (`refused`: a fresh join). */
export const RESUME_OUTCOMES = ["seat", "id", "refused"] as const;
export type ResumeOutcomeLabel = (typeof RESUME_OUTCOMES)[number];
const RELAYED = ["description", "candidate", "app"] as const;

export interface Metrics {
  readonly registry: Registry;
  /** Children made once, so that counting on the relay path is a plain increment. */
  joins: Record<JoinOutcomeLabel, { inc(): void }>;
  resumes: Record<ResumeOutcomeLabel, { inc(): void }>;
  relayed: Record<(typeof RELAYED)[number], { inc(): void }>;
  errors: Record<(typeof ERROR_CODES)[number], { inc(): void }>;
  closed(code: number): void;
  rateLimited: { inc(): void };
  /** Seconds from a join's arrival to its answer. */
  joinSeconds: { observe(seconds: number): void };
  /** Seconds a Redis command took, by command (the registry's scripts and reads: a bounded set). */
  redisCommand(command: string, seconds: number): void;
  /** Binds the gauges to the running server. */
  watch(gauges: Gauges): void;
}

/** What the gauges read at scrape time, bound once the server's parts exist. */
export interface Gauges {
  /** Rooms of the whole cluster; null when the store cannot tell. */
  rooms(): Promise<number | null>;
  connections(): number;
  /** With Redis: whether this node reaches it; null without Redis. */
  redisReachable(): boolean | null;
}

function children<L extends string>(counter: Counter<string>, labels: readonly L[]): Record<L, { inc(): void }> {
  return Object.fromEntries(labels.map((l) => [l, counter.labels(l)])) as Record<L, { inc(): void }>;
}

/**
 * Counts kept as plain numbers and handed to `counter` when it is scraped: an increment on
 * the relay path costs a field's add, not prom-client's label lookup (about 0.15 µs).
 */
function tallies<L extends string>(label: string, labels: readonly L[]): { by: Record<L, { inc(): void }>; flush(counter: Counter<string>): void } {
  const counts = Object.fromEntries(labels.map((l) => [l, 0])) as Record<L, number>;
  const by = Object.fromEntries(labels.map((l) => [l, { inc: () => void counts[l]++ }])) as Record<L, { inc(): void }>;
  return {
    by,
    flush(counter) {
      for (const l of labels) {
        if (counts[l] > 0) counter.inc({ [label]: l }, counts[l]);
        counts[l] = 0;
      }
    },
  };
}

export function createMetrics(registry = new Registry()): Metrics {
  let gauges: Gauges | null = null;
  new Gauge({
    name: "roomcall_rooms",
    help: "Rooms held now (by every node).",
    registers: [registry],
    async collect() {
      const n = await gauges?.rooms().catch(() => null);
      if (n !== null && n !== undefined) this.set(n);
    },
  });
  new Gauge({ name: "roomcall_connections", help: "Signaling sockets open on this node now.", registers: [registry], collect() { this.set(gauges?.connections() ?? 0); } });
  new Gauge({
    name: "roomcall_redis_up",
    help: "1 while this node reaches Redis, 0 while it does not (absent without Redis).",
    registers: [registry],
    collect() {
      const up = gauges?.redisReachable() ?? null;
      if (up !== null) this.set(up ? 1 : 0);
    },
  });
  const redisSeconds = new Histogram({
    name: "roomcall_redis_command_seconds",
    help: "Time a Redis command took, by command.",
    labelNames: ["command"],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const joins = new Counter({ name: "roomcall_joins_total", help: "Joins by outcome.", labelNames: ["outcome"], registers: [registry] });
  const resumes = new Counter({ name: "roomcall_resumes_total", help: "Joins that carried a resume token, by what it got.", labelNames: ["outcome"], registers: [registry] });
  const relayedTally = tallies("type", RELAYED);
  new Counter({
    name: "roomcall_relayed_messages_total",
    help: "Messages relayed, by type.",
    labelNames: ["type"],
    registers: [registry],
    collect() {
      relayedTally.flush(this);
    },
  });
  const errors = new Counter({ name: "roomcall_errors_total", help: "Errors sent to clients, by code.", labelNames: ["code"], registers: [registry] });
  const closes = new Counter({ name: "roomcall_closes_total", help: "Signaling sockets closed, by WebSocket close code.", labelNames: ["code"], registers: [registry] });
  let dropped = 0;
  new Counter({
    name: "roomcall_rate_limited_total",
    help: "Frames dropped for a rate limit or a spent byte budget.",
    registers: [registry],
    collect() {
      if (dropped > 0) this.inc(dropped);
      dropped = 0;
    },
  });
  const joinSeconds = new Histogram({
    name: "roomcall_join_seconds",
    help: "Time from a join's arrival to its answer.",
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  // All zero from the start, so a rate shows before the first event of its kind.
  for (const m of [children(joins, JOIN_OUTCOMES), children(resumes, RESUME_OUTCOMES)]) for (const c of Object.values(m)) (c as { inc(n: number): void }).inc(0);
  return {
    registry,
    joins: children(joins, JOIN_OUTCOMES),
    resumes: children(resumes, RESUME_OUTCOMES),
    relayed: relayedTally.by,
    errors: children(errors, ERROR_CODES),
    // Close codes are few (the protocol's, and the WebSocket ones): a bounded label.
    closed: (code) => closes.labels(String(code)).inc(),
    rateLimited: { inc: () => void dropped++ },
    joinSeconds,
    redisCommand: (command, seconds) => redisSeconds.labels(command).observe(seconds),
    watch(g) {
      gauges = g;
    },
  };
}
