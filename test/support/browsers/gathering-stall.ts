/**
 * A fault for a page: its first connection never begins gathering candidates, as Chromium
 * now and then leaves a connection under load. Its descriptions are set as usual, but it
 * reports its gathering as `new` for good and no candidate, nor the end of them, ever comes
 * out of it; it really has none to give (relaying only, with no relay), so the peer's checks
 * cannot reach it either. Later connections are left alone.
 */
import { beforeScripts, type Page } from "./video-call-probe.ts";

/** Runs in the page before its scripts. */
function stallFirstGathering() {
  const Native = window.RTCPeerConnection;
  let made = 0;
  window.RTCPeerConnection = class extends Native {
    constructor(config?: RTCConfiguration) {
      const first = made++ === 0;
      super(first ? { ...config, iceServers: [], iceTransportPolicy: "relay" } : config);
      if (!first) return;
      Object.defineProperty(this, "iceGatheringState", { get: () => "new" });
      // Registered before the page's own handlers, these keep the events from them.
      const hide = (e: Event) => e.stopImmediatePropagation();
      this.addEventListener("icecandidate", hide);
      this.addEventListener("icegatheringstatechange", hide);
    }
  } as typeof RTCPeerConnection;
}

export const installGatheringStall = (page: Page) => beforeScripts(page, stallFirstGathering, null);
