/**
 * The frames a call really sends, as a client sends them (addressed with `to`): ICE
 * candidates (~250 bytes, most of the traffic), descriptions (a few KB of SDP) and app
 * payloads (~1.1 KB). `to` is left out for the baselines, which never read a frame.
 */
import { sdpOf } from "./sdp.ts";

export const FRAME_KINDS = ["candidate", "description", "app"] as const;
export type FrameKind = (typeof FRAME_KINDS)[number];

/** What a description carries here: between the 1 KB of a bare answer and the 5 KB of a full offer. */
export const DESCRIPTION_SDP_BYTES = 2048;

const CANDIDATE = {
  candidate: "candidate:842163049 1 udp 1677729535 203.0.113.77 54321 typ srflx raddr 10.0.0.5 rport 54321 generation 0 ufrag Xk3v network-id 1 network-cost 10",
  sdpMid: "0",
  sdpMLineIndex: 0,
  usernameFragment: "Xk3v",
};

export function frameOf(kind: FrameKind, to?: string): string {
  const target = to ? { to } : {};
  if (kind === "candidate") return JSON.stringify({ type: "candidate", ...target, link: 0, candidate: CANDIDATE });
  if (kind === "description") return JSON.stringify({ type: "description", ...target, link: 0, description: { type: "offer", sdp: sdpOf(DESCRIPTION_SDP_BYTES) } });
  return JSON.stringify({ type: "app", ...target, payload: { kind: "whiteboard", seq: 1, data: sdpOf(1024) } });
}
