import { iceFromServer } from "../shared/ice-from-server.ts";

/** How long a relay test waits for a picture before it says the relay does not work. */
export const RELAY_TEST_TIMEOUT_MS = 10_000;

/**
 * The configuration of a relay test: the signaling server's ICE servers (fresh TURN
 * credentials), relay-only. Rejects with a sentence when there is no relay to test.
 */
export async function relayConfig(signalingUrl: string): Promise<RTCConfiguration> {
  const ice = await iceFromServer(signalingUrl);
  if (!ice.iceServers.some((s) => s.urls.some((u) => /^turns?:/.test(u)))) throw new Error("This server has no TURN relay configured.");
  return { iceServers: ice.iceServers, iceTransportPolicy: "relay" };
}

/** Watches a relay test's connections, to say why no path formed. */
export class RelayWatch {
  private relayCandidates = 0;
  private readonly errors = new Set<string>();

  constructor(pcs: RTCPeerConnection[]) {
    for (const pc of pcs) {
      pc.addEventListener("icecandidate", (e) => {
        if (e.candidate?.type === "relay") this.relayCandidates++;
      });
      pc.addEventListener("icecandidateerror", (e) => {
        const { url, errorCode } = e as RTCPeerConnectionIceErrorEvent;
        this.errors.add(errorCode === 401 ? `${url} refused the credentials (401)` : errorCode === 701 ? `${url} could not be reached (701)` : `${url} answered ${errorCode}`);
      });
    }
  }

  /** Why the relay did not carry the call, as a sentence. */
  reason(): string {
    const what = this.relayCandidates > 0 ? "Relay candidates were gathered, but no path formed through them." : "No relay candidate could be gathered.";
    return this.errors.size > 0 ? `${what} ${[...this.errors].join("; ")}.` : what;
  }
}
