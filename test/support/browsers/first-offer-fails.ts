/**
 * A fault for a page: every description its first connection sets for itself is refused (as
 * a browser can refuse one), so that connection never offers; later ones are left alone.
 */
import { beforeScripts, type Page } from "./video-call-probe.ts";

/** Runs in the page before its scripts. */
function refuseFirstOffer() {
  const Native = window.RTCPeerConnection;
  let made = 0;
  window.RTCPeerConnection = class extends Native {
    constructor(config?: RTCConfiguration) {
      super(config);
      if (made++ > 0) return;
      this.setLocalDescription = () => Promise.reject(new DOMException("refused by the test's fault", "OperationError"));
    }
  } as typeof RTCPeerConnection;
}

export const installFirstOfferRefusal = (page: Page) => beforeScripts(page, refuseFirstOffer, null);
