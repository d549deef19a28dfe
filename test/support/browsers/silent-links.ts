/**
 * A fault for a page: the first connection its call makes gathers no candidate at all (it
 * may relay only, and is given no relay), so the peer's checks find nothing to reach and
 * that first negotiation can never finish; connections made after it are left alone.
 */
import { beforeScripts, type Page } from "./video-call-probe.ts";

/** Runs in the page before its scripts. */
function silenceFirstLink() {
  const Native = window.RTCPeerConnection;
  let made = 0;
  window.RTCPeerConnection = class extends Native {
    constructor(config?: RTCConfiguration) {
      super(made++ === 0 ? { ...config, iceServers: [], iceTransportPolicy: "relay" } : config);
    }
  } as typeof RTCPeerConnection;
}

export const installFirstLinkSilence = (page: Page) => beforeScripts(page, silenceFirstLink, null);
