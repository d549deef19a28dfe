/**
 * A fault for a page: the connections its call makes gather no candidate at all (they may
 * relay only, and are given no relay), so the peer's checks find nothing to reach and the
 * negotiation can never finish. `first`: only the first connection, later ones are left
 * alone; `every`: all of them, as on a network that allows only a relay the page cannot reach.
 */
import { beforeScripts, type Page } from "./video-call-probe.ts";

/** Runs in the page before its scripts. */
function silenceLinks(which: "first" | "every") {
  const Native = window.RTCPeerConnection;
  let made = 0;
  window.RTCPeerConnection = class extends Native {
    constructor(config?: RTCConfiguration) {
      super(which === "every" || made++ === 0 ? { ...config, iceServers: [], iceTransportPolicy: "relay" } : config);
    }
  } as typeof RTCPeerConnection;
}

export const installLinkSilence = (page: Page, which: "first" | "every") => beforeScripts(page, silenceLinks, which);
