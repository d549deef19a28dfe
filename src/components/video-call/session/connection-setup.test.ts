/**
 * How a call's connections are made, so that the call starts soon: one transport for every
 * kind, a DTLS certificate made ahead (and kept for the element's later connections), and an
 * offer answered before the candidates that came with it are added.
 */
import { expect } from "@open-wc/testing";
import { callIn, framesDecoded, until } from "../../shared/test-helpers.ts";
import "../video-call.ts";
import type { VideoCall } from "../video-call.ts";
import type { RoomSession } from "./room-session.ts";

const uniqueRoom = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 10)}`;
const session = (el: VideoCall) => (el as unknown as { session: RoomSession }).session;
const onlyLink = (el: VideoCall) => [...session(el).links.values()][0]!;

/** How long applying a remote offer is held up: the offerer's first candidates come meanwhile. */
const OFFER_HOLD_MS = 300;

/** The calls each connection had, in order. */
const calls = new Map<RTCPeerConnection, string[]>();
const NativePC = window.RTCPeerConnection;
window.RTCPeerConnection = class extends NativePC {
  constructor(config?: RTCConfiguration) {
    super(config);
    const log: string[] = [];
    calls.set(this, log);
    const setRemote = this.setRemoteDescription.bind(this);
    const setLocal = this.setLocalDescription.bind(this);
    const addCandidate = this.addIceCandidate.bind(this);
    this.setRemoteDescription = (async (d: RTCSessionDescriptionInit) => {
      log.push(`remote ${d.type}`);
      if (d.type === "offer") await new Promise((r) => setTimeout(r, OFFER_HOLD_MS));
      return setRemote(d);
    }) as RTCPeerConnection["setRemoteDescription"];
    this.setLocalDescription = ((d?: RTCLocalSessionDescriptionInit) => {
      log.push(this.signalingState === "have-remote-offer" ? "local answer" : "local offer");
      return setLocal(d);
    }) as RTCPeerConnection["setLocalDescription"];
    this.addIceCandidate = ((c?: RTCIceCandidateInit | null) => {
      log.push(c?.candidate ? "candidate" : "end of candidates");
      return addCandidate(c ?? undefined);
    }) as RTCPeerConnection["addIceCandidate"];
  }
} as typeof RTCPeerConnection;

async function decoding(el: VideoCall, what: string) {
  await until(async () => {
    const [report] = (await el.getStats()).values();
    return framesDecoded(report) > 0;
  }, what, 20_000);
}

/** A call of two in a fresh room: `a` waits there first, `b` comes in (and offers). */
async function pair(prefix: string) {
  const a = callIn(uniqueRoom(prefix));
  await until(() => a.state === "waiting", "a waiting");
  return { a, b: callIn(a.room) };
}

function end(...els: VideoCall[]) {
  for (const el of els) {
    el.hangUp();
    el.remove();
  }
}

describe("<video-call> connection set-up", () => {
  it("answers an offer first, then adds the candidates that came before the answer was made", async () => {
    const { a, b } = await pair("answer-first");
    await decoding(a, "a decoding b's picture");
    await decoding(b, "b decoding a's picture");
    // The newcomer offers; the one who waited answers.
    const answered = calls.get(onlyLink(a).pc)!;
    expect(answered[0]).to.equal("remote offer");
    const answer = answered.indexOf("local answer");
    const firstCandidate = answered.indexOf("candidate");
    expect(answer).to.be.greaterThan(0);
    // b's candidates came while the offer was being applied, and still waited for the answer.
    expect(firstCandidate, answered.join(", ")).to.be.greaterThan(answer);
    end(a, b);
  });

  it("bundles every kind on one transport, with a certificate made ahead and kept for the next call", async () => {
    const { a, b } = await pair("bundle");
    await decoding(b, "b decoding");
    const first = onlyLink(b).pc.getConfiguration();
    expect(first.bundlePolicy).to.equal("max-bundle");
    expect(first.certificates?.length).to.equal(1);
    expect(first.certificates![0]!.expires).to.be.greaterThan(Date.now());
    let transports = 0;
    (await onlyLink(b).pc.getStats()).forEach((s) => s.type === "transport" && transports++);
    expect(transports).to.equal(1);

    // The same element calls again: its new connection is made with the same certificate.
    b.hangUp();
    await until(() => a.state === "waiting", "a waiting again");
    await b.join();
    await decoding(b, "b decoding again");
    const again = onlyLink(b).pc.getConfiguration();
    expect(again.certificates?.length).to.equal(1);
    expect(again.certificates![0]!.expires).to.equal(first.certificates![0]!.expires);
    end(a, b);
  });
});
