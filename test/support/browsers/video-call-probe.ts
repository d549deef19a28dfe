/**
 * How end-to-end tests see a <video-call> from outside: the one place that knows its
 * selectors and API (state attribute, `selfId`, `peers`, `getStats()`, remote tiles, events),
 * so a change to the element is adapted here. The probe also keeps every RTCPeerConnection
 * the page creates, to tell each link's signaling state and find connections left open, and
 * the element's events, as evidence of how a call got where it is. Pages may be Chromium's
 * (playwright-core) or Firefox's (puppeteer-core).
 */
import type { Page as PlaywrightPage } from "playwright-core";
import type { Page as PuppeteerPage } from "puppeteer-core";

export type Page = PlaywrightPage | PuppeteerPage;

/** Runs `fn(arg)` in the page: both drivers take evaluate(fn, arg), with differing types. */
export function inPage<A, R>(page: Page, fn: (arg: A) => R | Promise<R>, arg: A): Promise<R> {
  return (page as unknown as { evaluate(f: typeof fn, a: A): Promise<R> }).evaluate(fn, arg);
}

/** Runs `fn(arg)` in every document the page loads from now on, before its own scripts. */
export async function beforeScripts<A>(page: Page, fn: (arg: A) => void, arg: A): Promise<void> {
  if ("addInitScript" in page) await page.addInitScript(fn as (a: unknown) => void, arg);
  else await page.evaluateOnNewDocument(fn, arg);
}

/** What the element exposes, as the tests read it. */
export const VIDEO_CALL = {
  tag: "video-call",
  /** Inside the shadow root: one per remote peer. */
  remoteVideo: "video[part~='remote-video']",
  /** The attribute of a remote video that names its peer. */
  peerAttribute: "data-peer",
  /** Events kept as evidence, with their detail. */
  events: ["joined", "peer-joined", "peer-left", "connection-recovery", "room-full", "call-state"],
} as const;

export interface Tile {
  peer: string | null;
  /** readyState of each audio track the tile plays. */
  audio: string[];
  /** readyState of each video track the tile plays. */
  video: string[];
  videoWidth: number;
  videoHeight: number;
}

export interface LinkCounters {
  videoFramesDecoded: number;
  audioPacketsReceived: number;
}

export interface OpenConnection {
  /** The peer whose link this is, or null when it belongs to none of the element's links. */
  peer: string | null;
  signalingState: string;
  connectionState: string;
}

export interface CallSnapshot {
  state: string | null;
  selfId: string | null;
  peers: string[];
  tiles: Tile[];
  /** The element's getStats(), by peer. */
  links: Record<string, LinkCounters>;
  /** Every RTCPeerConnection of the page not closed. */
  connections: OpenConnection[];
}

interface ProbeState {
  connections: RTCPeerConnection[];
  /** The connections whose getStats() was called, in order, while `asking`. */
  asked: RTCPeerConnection[];
  asking: boolean;
  events: string[];
  /** What each connection went through (states, candidates both ways), for a failure to tell. */
  trace: string[];
  /** For each connection: when its first local description was set, and how far its gathering got. */
  gathering: { connection: RTCPeerConnection; relayOnly: boolean; describedAt: number | null; began: boolean; candidates: number; complete: boolean }[];
}

/**
 * Runs in the page before its scripts: keeps every RTCPeerConnection, notes which of them
 * getStats() is called on (so the element's getStats() tells which connection is which
 * peer's link), and keeps the element's events with the time since the page started.
 */
function probe(events: readonly string[]) {
  const state: ProbeState = { connections: [], asked: [], asking: false, events: [], trace: [], gathering: [] };
  const t0 = performance.now();
  const at = () => `+${((performance.now() - t0) / 1000).toFixed(1)} s`;
  // A candidate as "type address:port" (the address may be an mDNS name), or "end".
  const brief = (c: string | undefined | null) => {
    const f = c?.split(" ");
    return f ? `${f[7]} ${f[4]}:${f[5]}` : "end";
  };
  (window as unknown as { __probe: ProbeState }).__probe = state;
  const Native = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Native {
    constructor(config?: RTCConfiguration) {
      super(config);
      const n = state.connections.push(this);
      const note = (what: string) => state.trace.push(`${at()} pc${n} ${what}`);
      const gathering = {
        connection: this as unknown as RTCPeerConnection,
        relayOnly: config?.iceTransportPolicy === "relay",
        describedAt: null as number | null,
        began: false,
        candidates: 0,
        complete: false,
      };
      state.gathering.push(gathering);
      note(`made, policy ${config?.iceTransportPolicy ?? "all"}, ${config?.iceServers?.length ?? 0} servers`);
      // The m-lines each side ended up with (port 0: rejected), to tell a connection with nothing to gather.
      const sections = (d: RTCSessionDescription | null) => d?.sdp.match(/^m=\S+ \d+/gm)?.join(", ") ?? "none";
      this.addEventListener("signalingstatechange", () => {
        if (this.localDescription && gathering.describedAt === null) gathering.describedAt = performance.now();
        note(`signaling ${this.signalingState}${this.signalingState === "stable" ? ` (local ${sections(this.localDescription)}; remote ${sections(this.remoteDescription)})` : ""}`);
      });
      this.addEventListener("icegatheringstatechange", () => {
        gathering.began = true;
        if (this.iceGatheringState === "complete") gathering.complete = true;
        note(`gathering ${this.iceGatheringState}`);
      });
      this.addEventListener("iceconnectionstatechange", () => note(`ice ${this.iceConnectionState}`));
      this.addEventListener("connectionstatechange", () => note(`connection ${this.connectionState}`));
      this.addEventListener("icecandidate", (e) => {
        const candidate = (e as RTCPeerConnectionIceEvent).candidate?.candidate;
        if (candidate) gathering.candidates++;
        note(`gathered ${brief(candidate)}`);
      });
      const add = super.addIceCandidate.bind(this) as (c?: RTCIceCandidateInit | null) => Promise<void>;
      this.addIceCandidate = ((c?: RTCIceCandidateInit | null) => {
        note(`remote ${brief(c?.candidate)}`);
        return add(c);
      }) as RTCPeerConnection["addIceCandidate"];
    }
    override getStats(...args: [MediaStreamTrack?]): Promise<RTCStatsReport> {
      if (state.asking) state.asked.push(this);
      return super.getStats(...args);
    }
  } as typeof RTCPeerConnection;
  for (const type of events) {
    document.addEventListener(type, (e) => {
      state.events.push(`${at()} ${type} ${JSON.stringify((e as CustomEvent).detail)}`);
    });
  }
}

export const installProbe = (page: Page) => beforeScripts(page, probe, VIDEO_CALL.events);

/** The element's events so far, with the time since the page started. */
export const eventsOf = (page: Page) => inPage(page, () => (window as unknown as { __probe: ProbeState }).__probe.events, null);

/** What every connection of the page went through, in order, with the time since the page started. */
export const traceOf = (page: Page) => inPage(page, () => (window as unknown as { __probe: ProbeState }).__probe.trace, null);

/**
 * How many of the page's connections had their local description set and yet gathered
 * nothing, whether closed since or still so after `ms`: gathering never began, or (where
 * they could use the machine's own addresses) it began without a candidate and never ended.
 * Seen now and then in Chromium under load, on a connection like any other: nothing the page
 * can do reaches the peer on it, and only a new connection helps (the element makes one).
 */
export const neverGathered = (page: Page, ms = 5000) =>
  inPage(
    page,
    (ms) =>
      (window as unknown as { __probe: ProbeState }).__probe.gathering.filter(
        (g) =>
          g.describedAt !== null &&
          g.candidates === 0 &&
          (!g.began || (!g.complete && !g.relayOnly)) &&
          (g.connection.signalingState === "closed" || performance.now() - g.describedAt > ms),
      ).length,
    ms,
  );

/** The page's events and its connections' trace, as one text, for a failure to tell how the call got where it is. */
export const storyOf = async (page: Page) => [...(await eventsOf(page)), ...(await traceOf(page))].join("\n");

/** The element's `connection-recovery` events so far, as eventsOf gives them; only those of `action` if it is given. */
export async function recoveryEvents(page: Page, action?: "ice-restart" | "rebuild"): Promise<string[]> {
  return (await eventsOf(page)).filter((e) => e.includes(" connection-recovery ") && (!action || e.includes(`"action":"${action}"`)));
}

export function snapshot(page: Page): Promise<CallSnapshot> {
  return inPage(page, async (call): Promise<CallSnapshot> => {
    const el = document.querySelector(call.tag) as
      | (HTMLElement & { selfId: string | null; peers: string[]; getStats(): Promise<Map<string, RTCStatsReport>> })
      | null;
    if (!el) return { state: null, selfId: null, peers: [], tiles: [], links: {}, connections: [] };
    const probe = (window as unknown as { __probe: ProbeState }).__probe;
    // The element asks each link's connection for its stats, one per entry of the map it
    // returns, all in the call itself: asks made afterwards (its own quality readings, on a
    // timer) are not counted.
    probe.asked = [];
    probe.asking = true;
    let pending: Promise<Map<string, RTCStatsReport>>;
    try {
      pending = el.getStats();
    } finally {
      probe.asking = false;
    }
    const stats = await pending;
    const peers = [...stats.keys()];
    const owner = new Map<RTCPeerConnection, string>();
    if (probe.asked.length === peers.length) probe.asked.forEach((pc, i) => owner.set(pc, peers[i]!));
    const links: Record<string, { videoFramesDecoded: number; audioPacketsReceived: number }> = {};
    for (const [peer, r] of stats) {
      const c = { videoFramesDecoded: 0, audioPacketsReceived: 0 };
      r.forEach((s) => {
        if (s.type === "inbound-rtp" && s.kind === "video") c.videoFramesDecoded += s.framesDecoded ?? 0;
        if (s.type === "inbound-rtp" && s.kind === "audio") c.audioPacketsReceived += s.packetsReceived ?? 0;
      });
      links[peer] = c;
    }
    const connections = probe.connections
      .filter((pc) => pc.signalingState !== "closed")
      .map((pc) => ({ peer: owner.get(pc) ?? null, signalingState: pc.signalingState, connectionState: pc.connectionState }));
    const tiles = [...el.shadowRoot!.querySelectorAll<HTMLVideoElement>(call.remoteVideo)].map((v) => ({
      peer: v.getAttribute(call.peerAttribute),
      audio: ((v.srcObject as MediaStream | null)?.getAudioTracks() ?? []).map((t) => t.readyState),
      video: ((v.srcObject as MediaStream | null)?.getVideoTracks() ?? []).map((t) => t.readyState),
      videoWidth: v.videoWidth,
      videoHeight: v.videoHeight,
    }));
    return { state: el.getAttribute("state"), selfId: el.selfId, peers: [...el.peers], tiles, links, connections };
  }, VIDEO_CALL);
}

/** Calls one of the element's methods in the page and resolves with what it returned. */
export function callMethod<T>(page: Page, method: "shareScreen" | "stopScreenShare" | "hangUp" | "join"): Promise<T> {
  return inPage(
    page,
    async ([tag, m]) => {
      const el = document.querySelector(tag) as unknown as Record<string, () => unknown>;
      return (await el[m]!()) as T;
    },
    [VIDEO_CALL.tag, method] as const,
  );
}

/**
 * The room page shows the lobby first: waits for it (the preview captured, or its problem
 * shown) and presses Join, as a person would. Resolves once pressed.
 */
export function joinFromLobby(page: Page, timeoutMs = 20_000): Promise<void> {
  return inPage(
    page,
    async ([tag, ms]) => {
      for (const deadline = performance.now() + ms; ; await new Promise((r) => setTimeout(r, 50))) {
        const el = document.querySelector(tag) as (HTMLElement & { localStream: MediaStream | null }) | null;
        const ready = el?.getAttribute("state") === "lobby" && (el.localStream !== null || el.hasAttribute("media-error"));
        const join = ready ? el!.shadowRoot!.querySelector<HTMLButtonElement>("[part~='join']") : null;
        if (join) return join.click();
        if (performance.now() > deadline) throw new Error(`no lobby to join from (state ${el?.getAttribute("state")})`);
      }
    },
    [VIDEO_CALL.tag, timeoutMs] as const,
  );
}

/** Opens the room page at `url` and joins from its lobby. */
export async function enterRoom(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await joinFromLobby(page);
}
