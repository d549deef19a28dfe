/**
 * A picture that arrives but cannot be decoded (what a gap in the path leaves) gets a key
 * frame asked for over the link: the stats controller reports it, at most every 3 s, and
 * the peer asked sends one at once where the browser can (Chromium).
 */
import { expect } from "@open-wc/testing";
import type { ReactiveController } from "lit";
import type { PeerLink } from "../../controllers/peer-link.ts";
import { callIn, framesDecoded, until } from "../../shared/test-helpers.ts";
import { KEY_FRAME_REQUEST } from "../session/peer-media.ts";
import type { RoomSession } from "../session/room-session.ts";
import "../video-call.ts";
import type { VideoCall } from "../video-call.ts";
import { StatsController } from "./stats-controller.ts";

const FIREFOX = navigator.userAgent.includes("Firefox/");
const uniqueRoom = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 10)}`;
const session = (el: VideoCall) => (el as unknown as { session: RoomSession }).session;

/** What a host gives a controller, and no more. */
class Host extends EventTarget {
  readonly controllers: ReactiveController[] = [];
  readonly updateComplete = Promise.resolve(true);
  addController(c: ReactiveController) {
    this.controllers.push(c);
  }
  removeController() {}
  requestUpdate() {}
}

/** A link whose statistics say what `video()` says of the picture received, at each look. */
function fakeLink(video: () => { packetsReceived: number; framesDecoded: number }): PeerLink {
  const stats = async () => new Map([["v", { type: "inbound-rtp", kind: "video", ...video() }]]) as unknown as RTCStatsReport;
  return { connectionState: "connected", pc: { getReceivers: () => [], getSenders: () => [], getStats: stats } } as unknown as PeerLink;
}

/** The sender's video key frames encoded and key frame requests (PLI) received, summed over its links. */
async function sentKeyFrames(el: VideoCall) {
  let keyFrames = 0;
  let pli = 0;
  for (const report of (await el.getStats()).values()) {
    report.forEach((s) => {
      if (s.type === "outbound-rtp" && s.kind === "video") {
        keyFrames += s.keyFramesEncoded ?? 0;
        pli += s.pliCount ?? 0;
      }
    });
  }
  return { keyFrames, pli };
}

afterEach(() => {
  for (const el of document.querySelectorAll("video-call")) el.remove();
});

describe("<video-call> stuck picture", () => {
  it("packets that make no frame are reported once, then at most every 3 s, and no longer once frames come", async function () {
    this.timeout(30_000);
    let packets = 1000;
    let frames = 70;
    let decoding = false;
    const asked: { peer: string; at: number }[] = [];
    const host = new Host();
    const link = fakeLink(() => {
      packets += 30;
      if (decoding) frames += 10;
      return { packetsReceived: packets, framesDecoded: frames };
    });
    const stats = new StatsController(host as never, {
      links: () => new Map([["peer-1", link]]),
      selfId: () => "me",
      picture: () => true,
      pictureStuck: (peer) => asked.push({ peer, at: performance.now() }),
    });
    expect(host.controllers).to.deep.equal([stats]);
    stats.hostConnected();
    try {
      await until(() => asked.length === 2, "asked twice", 10_000);
      expect(asked.map((a) => a.peer)).to.deep.equal(["peer-1", "peer-1"]);
      // Readings are a second apart: not asked again at the next two, and asked at the first after 3 s.
      expect(asked[1]!.at - asked[0]!.at).to.be.within(2500, 5000);
      decoding = true;
      const after = asked.length;
      // Over two readings and more with frames decoded: nothing more is asked.
      await new Promise((r) => setTimeout(r, 2500));
      expect(asked.length).to.equal(after);
    } finally {
      stats.hostDisconnected();
    }
  });

  it("a peer asked for a key frame over the link sends one at once (Chromium), one a second at most, and the call goes on", async function () {
    this.timeout(60_000);
    const room = uniqueRoom("key-frame");
    const a = callIn(room);
    await until(() => a.state === "waiting", "a waiting");
    const b = callIn(room);
    for (const el of [a, b]) {
      await until(() => el.state === "connected", "connected", 20_000);
      await until(async () => framesDecoded((await el.getStats()).values().next().value) > 0, "decoded frames", 20_000);
    }
    await until(() => [...session(b).links.values()].every((l) => l.channel.open), "b's channel open");
    // Settled: the first key frames are out and no request is pending.
    await new Promise((r) => setTimeout(r, 1000));
    // Every key frame sent on request goes through the video sender's setParameters.
    const sender = [...session(a).links.values()][0]!.pc.getSenders().find((s) => s.track?.kind === "video")!;
    const setParameters = sender.setParameters.bind(sender);
    let calls = 0;
    sender.setParameters = ((...args: Parameters<typeof setParameters>) => (calls++, setParameters(...args))) as typeof sender.setParameters;
    const before = await sentKeyFrames(a);
    session(b).tell(a.selfId!, KEY_FRAME_REQUEST);
    await until(() => calls === 1, "the request handled", 5000);
    if (!FIREFOX) {
      await until(async () => (await sentKeyFrames(a)).keyFrames > before.keyFrames, "a key frame from a", 5000);
      // Sent for the request over the link, not for one of the browser's own (RTCP PLI).
      expect((await sentKeyFrames(a)).pli).to.equal(before.pli);
    }
    // A peer that asks again and again gets one a second at most.
    await new Promise((r) => setTimeout(r, 1100));
    for (let i = 0; i < 5; i++) session(b).tell(a.selfId!, KEY_FRAME_REQUEST);
    await until(() => calls === 2, "one key frame for five requests", 5000);
    await new Promise((r) => setTimeout(r, 500));
    expect(calls).to.equal(2);
    await new Promise((r) => setTimeout(r, 700));
    session(b).tell(a.selfId!, KEY_FRAME_REQUEST);
    await until(() => calls === 3, "another a second later", 5000);
    const decoded = framesDecoded((await b.getStats()).get(a.selfId!));
    await until(async () => framesDecoded((await b.getStats()).get(a.selfId!)) > decoded + 10, "b still decoding a's picture", 10_000);
    expect(a.state).to.equal("connected");
    expect(b.state).to.equal("connected");
  });
});
