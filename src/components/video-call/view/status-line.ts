/** The sentence the state line shows: the state's own, with why, from what the element knows. */
import { type CallState, noRouteText, PEER_NO_ROUTE_TEXT, REASON_TEXT, STATE_TEXT } from "../call-state.ts";
import type { CallStateReason } from "../events.ts";

export interface StatusFacts {
  state: CallState;
  /** The call ended (as opposed to failing while it goes on). */
  ended: boolean;
  reason: CallStateReason | undefined;
  /** A sentence of the element's own (e.g. why a room name was refused). */
  detail: string;
  signalingOpen: boolean;
  /** The room was full and a seat has freed since. */
  seatFree: boolean;
  /** What ICE had to work with, for the no-route sentence (asked only then: the element's own part may be a value it refused). */
  rtc: () => RTCConfiguration;
  relayGathered: boolean;
  /** The other side found no candidate at all: the trouble is at its end. */
  peerGatheredNothing: boolean;
}

export function statusLine(f: StatusFacts): string {
  const main = f.state === "failed" && f.ended ? "The call could not start." : STATE_TEXT[f.state];
  const why = f.reason === "no-route" ? (f.peerGatheredNothing ? PEER_NO_ROUTE_TEXT : noRoute(f.rtc(), f.relayGathered)) : f.reason ? (REASON_TEXT[f.reason] ?? "") : "";
  if (f.state === "waiting") return [f.detail, main].filter(Boolean).join(" ");
  if (f.state === "connected") return f.signalingOpen ? main : `${main} Reconnecting to the server; the call goes on.`;
  if (f.state === "full" && f.seatFree) return "A seat in this room is free now: join it.";
  return [main, f.detail, why].filter(Boolean).join(" ");
}

function noRoute(config: RTCConfiguration, relayGathered: boolean): string {
  const relayConfigured = (config.iceServers ?? []).some((s) => [s.urls].flat().some((u) => /^turns?:/.test(u)));
  return noRouteText(config.iceTransportPolicy === "relay", relayConfigured, relayGathered);
}
