/**
 * What a settled call between pages must look like, checked from two snapshots of each
 * page a moment apart: everyone in the room and connected, each page showing exactly one
 * tile per other page and none for anyone else, decoding each one's video and receiving its
 * audio (counters growing between the snapshots, a live audio track in its tile), every
 * link's connection stable, and no connection left open that belongs to no link.
 * Returns one sentence per failed check; none when the call is as it should be.
 */
import type { CallSnapshot } from "./video-call-probe.ts";

export interface PageLook {
  name: string;
  before: CallSnapshot;
  after: CallSnapshot;
}

const list = (xs: Iterable<string>) => `[${[...xs].sort().join(", ")}]`;

export function callProblems(pages: PageLook[]): string[] {
  const problems: string[] = [];
  const names = new Map(pages.filter((p) => p.after.selfId).map((p) => [p.after.selfId!, p.name]));
  const who = (id: string | null) => (id && names.get(id) ? `${names.get(id)} (${id})` : `${id} (not in the room)`);
  for (const p of pages) {
    if (!p.after.selfId) problems.push(`${p.name}: not in the room (state ${p.after.state})`);
  }
  for (const { name, before, after } of pages) {
    if (!after.selfId) continue;
    const others = [...names.keys()].filter((id) => id !== after.selfId);
    if (after.state !== "connected") problems.push(`${name}: state ${after.state}, not connected`);
    if (list(after.peers) !== list(others)) problems.push(`${name}: its peers ${list(after.peers.map(who))} are not the others in the room ${list(others.map(who))}`);

    const tiles = new Map<string, number>();
    for (const t of after.tiles) tiles.set(t.peer ?? "?", (tiles.get(t.peer ?? "?") ?? 0) + 1);
    for (const [peer, n] of tiles) {
      if (!others.includes(peer)) problems.push(`${name}: ghost tile for ${who(peer)}`);
      else if (n > 1) problems.push(`${name}: ${n} tiles for ${who(peer)}`);
    }
    for (const peer of Object.keys(after.links)) {
      if (!others.includes(peer)) problems.push(`${name}: a link to ${who(peer)}`);
    }
    for (const peer of others) {
      if (!tiles.has(peer)) problems.push(`${name}: no tile for ${who(peer)}`);
      const was = before.links[peer];
      const now = after.links[peer];
      if (!now) {
        problems.push(`${name}: no link to ${who(peer)}`);
        continue;
      }
      if (!was || now.videoFramesDecoded <= was.videoFramesDecoded) {
        problems.push(`${name}: does not decode ${who(peer)}'s video (framesDecoded ${was?.videoFramesDecoded ?? "–"} → ${now.videoFramesDecoded})`);
      }
      if (!was || now.audioPacketsReceived <= was.audioPacketsReceived) {
        problems.push(`${name}: receives no audio from ${who(peer)} (packetsReceived ${was?.audioPacketsReceived ?? "–"} → ${now.audioPacketsReceived})`);
      }
      const tile = after.tiles.find((t) => t.peer === peer);
      if (tile && !tile.audio.includes("live")) problems.push(`${name}: no live audio track in ${who(peer)}'s tile (${list(tile.audio)})`);
    }
    const perPeer = new Map<string, number>();
    for (const c of after.connections) {
      if (c.peer === null) {
        problems.push(`${name}: an open connection that belongs to none of the element's links (${c.signalingState}, ${c.connectionState})`);
        continue;
      }
      perPeer.set(c.peer, (perPeer.get(c.peer) ?? 0) + 1);
      if (c.signalingState !== "stable") problems.push(`${name}: the link to ${who(c.peer)} is stuck in signalingState ${c.signalingState}`);
    }
    for (const [peer, n] of perPeer) if (n > 1) problems.push(`${name}: ${n} open connections to ${who(peer)}`);
  }
  return problems;
}
