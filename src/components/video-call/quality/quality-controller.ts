import type { ReactiveController, ReactiveControllerHost } from "lit";
import type { PeerLink } from "../../controllers/peer-link.ts";
import { emit } from "../../shared/events.ts";
import type { ConnectionQualityDetail } from "../events.ts";
import { type LinkCounters, readCounters, sample } from "./link-stats.ts";
import { type Quality, quality, worse } from "./quality.ts";

/** How often each link's statistics are read, ms. */
const LOOK_EVERY_MS = 1000;
/** Loss and frame rate are counted over this many looks (about 3 s). */
const WINDOW = 3;

export interface QualityOptions {
  links(): Map<string, PeerLink>;
  selfId(): string | null;
  /** Whether a picture is expected from `peer` (null: whether this side sends one). */
  picture(peer: string | null): boolean;
}

/** What is kept of one link between looks. */
interface Watch {
  link: PeerLink;
  looks: LinkCounters[];
  /** When packets last came (0: none yet). */
  packetAt: number;
  /** The last look's levels, received and sent: a level gets better only when two looks in a row say so. */
  down?: Quality;
  up?: Quality;
  /** The sent side's level after that, with its figures. */
  upDetail?: ConnectionQualityDetail;
}

const detail = (peer: string, q: Quality, rtt: number | null, packetLoss: number): ConnectionQualityDetail => ({
  peer,
  quality: q,
  rtt: rtt === null ? null : Math.round(rtt),
  packetLoss: Math.round(packetLoss * 1000) / 1000,
});

/**
 * The connection quality of each link, read from its getStats() every second while in a
 * call: what this side receives from each peer (that peer's tile), and what it sends (its
 * own tile: the worst of its links). `connection-quality` fires when a level changes; it
 * falls at once and rises only when two looks in a row agree, so it does not flap.
 */
export class QualityController implements ReactiveController {
  /** Each peer's level, as last reported. */
  readonly peers = new Map<string, ConnectionQualityDetail>();
  /** This side's sending level, or null before it was measured. */
  self: ConnectionQualityDetail | null = null;
  private readonly watches = new Map<string, Watch>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private busy = false;

  constructor(
    private readonly host: ReactiveControllerHost & EventTarget,
    private readonly o: QualityOptions,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.timer = setInterval(() => void this.look(), LOOK_EVERY_MS);
  }

  hostDisconnected(): void {
    clearInterval(this.timer);
    this.watches.clear();
    this.peers.clear();
    this.self = null;
  }

  private report(d: ConnectionQualityDetail, was: ConnectionQualityDetail | null | undefined) {
    if (was?.quality === d.quality) return;
    this.host.requestUpdate();
    emit<ConnectionQualityDetail>(this.host, "connection-quality", d);
  }

  private async look() {
    if (this.busy) return;
    this.busy = true;
    try {
      const links = this.o.links();
      for (const peer of this.watches.keys()) {
        if (links.has(peer)) continue;
        this.watches.delete(peer);
        this.peers.delete(peer);
        this.host.requestUpdate();
      }
      for (const [peer, link] of links) await this.lookAt(peer, link);
      let up: ConnectionQualityDetail | null = null;
      for (const w of this.watches.values()) if (w.upDetail && (!up || worse(w.upDetail.quality, up.quality) !== up.quality)) up = w.upDetail;
      const was = this.self;
      this.self = up;
      if (up) this.report(up, was);
      else if (was) this.host.requestUpdate();
    } finally {
      this.busy = false;
    }
  }

  private async lookAt(peer: string, link: PeerLink) {
    let w = this.watches.get(peer);
    if (w?.link !== link) this.watches.set(peer, (w = { link, looks: [], packetAt: 0 }));
    const connected = link.connectionState === "connected";
    // Nothing to say of a connection that has not come up yet.
    if (!connected && !w.looks.length) return;
    const report = await link.pc.getStats();
    if (this.watches.get(peer) !== w) return; // gone (or rebuilt) meanwhile
    const now = performance.now();
    const c = readCounters(report, now);
    const last = w.looks.at(-1);
    if (c.received > (last?.received ?? 0)) w.packetAt = now;
    w.looks.push(c);
    if (w.looks.length > WINDOW + 1) w.looks.shift();
    const from = w.looks[0]!;
    if (from === c) return;
    const down = sample(from, c, connected, this.o.picture(peer), w.packetAt ? now - w.packetAt : 0, false);
    const downLevel = quality(down);
    const shown = worse(downLevel, w.down ?? downLevel);
    w.down = downLevel;
    const was = this.peers.get(peer);
    const d = detail(peer, shown, down.rtt, down.packetLoss);
    this.peers.set(peer, d);
    this.report(d, was);
    const up = sample(from, c, connected, this.o.picture(null), 0, true);
    const upLevel = quality(up);
    w.upDetail = detail(this.o.selfId() ?? "", worse(upLevel, w.up ?? upLevel), up.rtt, up.packetLoss);
    w.up = upLevel;
  }
}
