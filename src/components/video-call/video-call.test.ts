import { expect, fixture, fixtureCleanup, html, oneEvent } from "@open-wc/testing";
import { sendMouse } from "@web/test-runner-commands";
import { framesDecoded, playing, SCREEN_CAPTURE, SCREEN_SHARE_NEEDS_GESTURE, until } from "../shared/test-helpers.ts";
import "./video-call.ts";
import type { CallStateDetail, VideoCall } from "./video-call.ts";

const URL_PAIR = (window as unknown as { __SIGNALING_URL__: string }).__SIGNALING_URL__;
const URL_TRIO = (window as unknown as { __SIGNALING_URL_TRIO__: string }).__SIGNALING_URL_TRIO__;
const URL_STRICT = (window as unknown as { __SIGNALING_URL_STRICT__: string }).__SIGNALING_URL_STRICT__;
const URL_HOSTILE = (window as unknown as { __SIGNALING_URL_HOSTILE__: string }).__SIGNALING_URL_HOSTILE__;
const uniqueRoom = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 10)}`;

// Every connection and socket any element opens, to check that all of them get closed.
const opened = { pcs: [] as RTCPeerConnection[], sockets: [] as WebSocket[], tracks: [] as MediaStreamTrack[] };
const nativeGetUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
navigator.mediaDevices.getUserMedia = async (constraints) => {
  const stream = await nativeGetUserMedia(constraints);
  opened.tracks.push(...stream.getTracks());
  return stream;
};
const NativePC = window.RTCPeerConnection;
const NativeWS = window.WebSocket;
window.RTCPeerConnection = class extends NativePC {
  constructor(config?: RTCConfiguration) {
    super(config);
    opened.pcs.push(this);
  }
} as typeof RTCPeerConnection;
window.WebSocket = class extends NativeWS {
  constructor(url: string | URL, protocols?: string | string[]) {
    super(url, protocols);
    opened.sockets.push(this);
  }
} as typeof WebSocket;

const part = (el: VideoCall, name: string) => el.shadowRoot!.querySelector(`[part~="${name}"]`) as HTMLElement;
const remoteVideos = (el: VideoCall) => [...el.shadowRoot!.querySelectorAll("video[part~='remote-video']")] as HTMLVideoElement[];

async function callIn(room: string, url = URL_PAIR, attributes: Record<string, string> = {}): Promise<VideoCall> {
  const container = document.createElement("div");
  document.body.append(container);
  const el = document.createElement("video-call");
  el.setAttribute("signaling-url", url);
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
  el.setAttribute("room", room);
  container.append(el);
  return el;
}

/** Every call-state event `el` fires from now on. */
function stateLog(el: VideoCall) {
  const log: CallStateDetail[] = [];
  el.addEventListener("call-state", (e) => log.push(e.detail));
  return log;
}

/** Inbound audio packets from each peer, by peer id. */
async function audioPackets(el: VideoCall): Promise<number> {
  let n = 0;
  for (const r of (await el.getStats()).values()) r.forEach((s) => s.type === "inbound-rtp" && s.kind === "audio" && (n += s.packetsReceived ?? 0));
  return n;
}

const liveTracks = (v: HTMLVideoElement, kind: "audio" | "video") =>
  ((v.srcObject as MediaStream | null)?.getTracks() ?? []).filter((t) => t.kind === kind && t.readyState === "live");

/** Waits until `el` decodes video from `n` peers and shows exactly `n` remote videos that play. */
async function decodingFrom(el: VideoCall, n: number) {
  await until(() => el.state === "connected", `${el.selfId} connected`, 20_000);
  await until(async () => {
    const stats = await el.getStats();
    return stats.size === n && [...stats.values()].every((r) => framesDecoded(r) > 0);
  }, "decoded frames", 20_000);
  await until(() => remoteVideos(el).length === n, `${n} remote videos`);
  for (const v of remoteVideos(el)) expect(await playing(v)).to.equal(true);
}

const aspect = (v: HTMLVideoElement) => (v.videoHeight > 0 ? v.videoWidth / v.videoHeight : 0);
const near = (x: number, y: number) => Math.abs(x - y) < 0.05;

/** Presses one of `el`'s buttons with the mouse, as a person would (a real user gesture). */
async function press(el: VideoCall, name: string) {
  const button = part(el, name);
  button.scrollIntoView({ block: "center" });
  const r = button.getBoundingClientRect();
  await sendMouse({ type: "click", position: [Math.round(r.x + r.width / 2), Math.round(r.y + r.height / 2)] });
}

/**
 * Where the browser has no screen to offer (headless Firefox): the Share screen button,
 * pressed for real, shares nothing, fires no screen-share event, and a notice in the live
 * region says why.
 */
async function noScreenToShare(el: VideoCall) {
  let events = 0;
  const count = () => events++;
  el.addEventListener("screen-share", count);
  await press(el, "screen-share");
  await until(() => part(el, "screen-notice")?.textContent?.includes("No screen could be shared"), "the notice after the button");
  el.removeEventListener("screen-share", count);
  expect(events).to.equal(0);
  expect(el.sharingScreen).to.equal(false);
  expect(el.hasAttribute("sharing-screen")).to.equal(false);
  expect(part(el, "screen-notice").closest("[role=status]")).to.exist;
  expect(part(el, "screen-share").textContent!.trim()).to.equal("Share screen");
}

function released(el: VideoCall, stream: MediaStream | null) {
  for (const t of stream?.getTracks() ?? []) expect(t.readyState).to.equal("ended");
  for (const v of el.shadowRoot!.querySelectorAll("video")) expect(v.srcObject).to.equal(null);
}

afterEach(() => {
  for (const el of document.querySelectorAll("video-call")) el.parentElement!.remove();
  fixtureCleanup();
});

describe("<video-call>", () => {
  it("renders its parts and refuses an invalid room without connecting", async () => {
    const before = opened.sockets.length;
    const el = await fixture<VideoCall>(html`<video-call room="not valid!" signaling-url=${URL_PAIR}></video-call>`);
    await until(() => el.state === "invalid-room", "invalid-room");
    await el.updateComplete;
    for (const p of ["videos", "state", "controls", "hang-up", "join"]) expect(part(el, p), p).to.exist;
    // No seat, no tiles: nothing black, nothing disabled left over.
    expect(part(el, "videos").hidden).to.equal(true);
    expect(part(el, "local-video")).to.equal(null);
    expect(el.shadowRoot!.querySelectorAll("button").length).to.equal(1);
    expect(part(el, "join").textContent!.trim()).to.equal("Join again");
    expect(el.getAttribute("state")).to.equal("invalid-room");
    expect(part(el, "state").textContent).to.contain("letters, digits");
    expect(opened.sockets.length).to.equal(before);
    expect(el.localStream).to.equal(null);
    // Seated, the call shows every part.
    const seated = await callIn(uniqueRoom("parts"));
    await until(() => seated.state === "waiting", "waiting");
    await seated.updateComplete;
    for (const p of ["videos", "self-tile", "local-video", "state", "controls", "microphone", "camera", "screen-share", "hang-up"]) expect(part(seated, p), p).to.exist;
    const local = part(seated, "local-video") as HTMLVideoElement;
    expect(local.muted).to.equal(true);
    expect(local.hasAttribute("playsinline")).to.equal(true);
  });

  it("two peers call each other; a third finds the room full; hang-up, leave, newcomer", async () => {
    const room = uniqueRoom("pair");
    const startPcs = opened.pcs.length;
    const a = await callIn(room);
    await until(() => a.state === "waiting", "a waiting");
    expect(part(a, "state").textContent).to.contain("Waiting for someone");
    const joinedB = new Promise<CustomEvent>((r) => document.addEventListener("joined", (e) => e.target !== a && r(e as CustomEvent), { once: false }));
    const b = await callIn(room);
    expect((await joinedB).detail.peers).to.deep.equal([a.selfId]);
    await decodingFrom(a, 1);
    await decodingFrom(b, 1);
    expect(a.peers).to.deep.equal([b.selfId]);

    const c = await callIn(room);
    const full = await oneEvent(c, "room-full");
    expect(full.detail).to.deep.equal({ room, capacity: 2 });
    expect(c.state).to.equal("full");
    expect(part(c, "state").textContent).to.contain("room is full");
    expect(c.localStream).to.equal(null);

    const bStream = b.localStream;
    const bPcs = opened.pcs.length;
    const left = oneEvent(a, "peer-left");
    b.hangUp();
    b.hangUp();
    expect((await left).detail.peer).to.be.a("string");
    expect(b.state).to.equal("hung-up");
    released(b, bStream);
    await until(() => a.state === "waiting", "a waiting again");
    expect(part(a, "state").textContent).to.contain("The other person left");
    expect(remoteVideos(a).length).to.equal(0);
    expect((await a.getStats()).size).to.equal(0);
    // b's link (closed by its hang-up) and a's link to b (closed when b left).
    const firstCall = opened.pcs.slice(startPcs, bPcs);
    expect(firstCall.length).to.equal(2);
    expect(firstCall.every((pc) => pc.connectionState === "closed")).to.equal(true);

    const d = await callIn(room);
    await decodingFrom(a, 1);
    await decodingFrom(d, 1);
    expect(a.peers).to.deep.equal([d.selfId]);
  });

  it("mute and camera-off show in the sender's tracks and the buttons", async () => {
    const room = uniqueRoom("toggle");
    const a = await callIn(room);
    const b = await callIn(room);
    await decodingFrom(a, 1);
    const mic = part(a, "microphone");
    const cam = part(a, "camera");
    // One pattern: each button says what it does now, with no pressed state to decode.
    expect(mic.textContent!.trim()).to.equal("Mute");
    expect(mic.hasAttribute("aria-pressed")).to.equal(false);
    mic.click();
    await a.updateComplete;
    expect(a.localStream!.getAudioTracks()[0]!.enabled).to.equal(false);
    expect(mic.textContent!.trim()).to.equal("Unmute");
    expect(mic.hasAttribute("aria-pressed")).to.equal(false);
    expect(cam.textContent!.trim()).to.equal("Turn camera off");
    expect(a.toggleCamera()).to.equal(false);
    await a.updateComplete;
    expect(a.localStream!.getVideoTracks()[0]!.enabled).to.equal(false);
    expect(cam.textContent!.trim()).to.equal("Turn camera on");
    // The peer connection sends these very tracks: what the other side gets is silence and black.
    const senders = opened.pcs.filter((pc) => pc.connectionState === "connected").flatMap((pc) => pc.getSenders());
    const sent = senders.map((s) => s.track).filter((t) => a.localStream!.getTracks().includes(t!));
    expect(sent.length).to.equal(2);
    expect(sent.every((t) => !t!.enabled)).to.equal(true);
    expect(a.toggleMicrophone(true)).to.equal(true);
    expect(a.localStream!.getAudioTracks()[0]!.enabled).to.equal(true);
    b.hangUp();
  });

  it("shares the screen in place of the camera and back, by swapping the sent track; the other side decodes both", async () => {
    const room = uniqueRoom("screen");
    const a = await callIn(room);
    const b = await callIn(room);
    await decodingFrom(a, 1);
    await decodingFrom(b, 1);
    const [atB] = remoteVideos(b);
    // The fake camera is 4:3, the fake screen 16:9: the shape says which one b gets.
    await until(() => near(aspect(atB!), 4 / 3), "the camera's shape at b");
    const button = part(a, "screen-share");
    expect(button.textContent!.trim()).to.equal("Share screen");
    const pcA = opened.pcs.find((pc) => pc.connectionState === "connected" && pc.getSenders().some((s) => s.track === a.localStream!.getVideoTracks()[0]))!;
    const sdp = pcA.localDescription!.sdp;
    if (!SCREEN_CAPTURE) {
      // Nothing to share: the camera goes on being sent as it was, and b goes on seeing it.
      await noScreenToShare(a);
      const videoSender = pcA.getSenders().find((s) => s.track?.kind === "video")!;
      expect(videoSender.track).to.equal(a.localStream!.getVideoTracks()[0]);
      expect((part(a, "local-video") as HTMLVideoElement).srcObject).to.equal(a.localStream);
      expect(pcA.localDescription!.sdp).to.equal(sdp);
      expect(near(aspect(atB!), 4 / 3)).to.equal(true);
      expect(await playing(atB!)).to.equal(true);
      // A cancel clears the notice.
      const getDisplayMedia = navigator.mediaDevices.getDisplayMedia;
      navigator.mediaDevices.getDisplayMedia = () => Promise.reject(new DOMException("Permission denied by user", "NotAllowedError"));
      try {
        expect(await a.shareScreen()).to.equal(false);
      } finally {
        navigator.mediaDevices.getDisplayMedia = getDisplayMedia;
      }
      await a.updateComplete;
      expect(part(a, "screen-notice")).to.equal(null);
      // Hanging up clears it.
      a.hangUp();
      await a.updateComplete;
      expect(part(a, "screen-notice")).to.equal(null);
      b.hangUp();
      return;
    }

    const started = oneEvent(a, "screen-share");
    expect(await a.shareScreen()).to.equal(true);
    expect((await started).detail).to.deep.equal({ sharing: true });
    await a.updateComplete;
    expect(a.hasAttribute("sharing-screen")).to.equal(true);
    expect(button.textContent!.trim()).to.equal("Stop sharing");
    const preview = part(a, "local-video") as HTMLVideoElement;
    const screen = (preview.srcObject as MediaStream).getVideoTracks()[0]!;
    expect(screen.getSettings().displaySurface).to.be.a("string");
    const videoSender = pcA.getSenders().find((s) => s.track?.kind === "video")!;
    expect(videoSender.track).to.equal(screen);
    await until(() => near(aspect(atB!), 16 / 9), "the screen's shape at b", 20_000);
    expect(await playing(atB!)).to.equal(true);
    // A swapped track, not a new negotiation.
    expect(pcA.localDescription!.sdp).to.equal(sdp);
    // Asked again and cancelled in the browser's picker: the screen shared stays shared.
    const getDisplayMedia = navigator.mediaDevices.getDisplayMedia;
    navigator.mediaDevices.getDisplayMedia = () => Promise.reject(new DOMException("Permission denied by user", "NotAllowedError"));
    try {
      expect(await a.shareScreen()).to.equal(true);
    } finally {
      navigator.mediaDevices.getDisplayMedia = getDisplayMedia;
    }
    expect(screen.readyState).to.equal("live");
    expect(videoSender.track).to.equal(screen);
    expect(a.sharingScreen).to.equal(true);

    const stopped = oneEvent(a, "screen-share");
    const back = a.stopScreenShare();
    expect((await stopped).detail).to.deep.equal({ sharing: false });
    await back;
    await a.updateComplete;
    expect(screen.readyState).to.equal("ended");
    expect(a.hasAttribute("sharing-screen")).to.equal(false);
    expect(videoSender.track).to.equal(a.localStream!.getVideoTracks()[0]);
    expect(preview.srcObject).to.equal(a.localStream);
    await until(() => near(aspect(atB!), 4 / 3), "the camera again at b", 20_000);
    expect(await playing(atB!)).to.equal(true);
    await a.stopScreenShare();
    // The button shares too.
    button.click();
    await until(() => a.sharingScreen && videoSender.track !== a.localStream!.getVideoTracks()[0], "sharing from the button");
    a.hangUp();
    expect(a.sharingScreen).to.equal(false);
    b.hangUp();
  });

  it("without a camera, sharing the screen starts sending video (renegotiated), and the browser's own Stop ends it", async () => {
    const room = uniqueRoom("screen-nocam");
    const container = document.createElement("div");
    document.body.append(container);
    const a = document.createElement("video-call");
    a.setAttribute("signaling-url", URL_PAIR);
    a.setAttribute("room", room);
    a.setAttribute("video", "off");
    container.append(a);
    await until(() => a.state === "waiting", "a waiting");
    const b = await callIn(room);
    await until(() => a.state === "connected" && b.state === "connected", "both connected", 20_000);
    expect(a.localStream!.getVideoTracks().length).to.equal(0);
    if (!SCREEN_CAPTURE) {
      // Nothing to share: b keeps a's placeholder, and nothing was renegotiated into sending.
      await noScreenToShare(a);
      const pcA = opened.pcs.find((pc) => pc.connectionState === "connected" && pc.getSenders().some((s) => s.track === a.localStream!.getAudioTracks()[0]))!;
      expect(pcA.getSenders().some((s) => s.track?.kind === "video")).to.equal(false);
      await until(() => remoteVideos(b).length === 1, "a's tile at b");
      expect(part(b, "placeholder")).to.exist;
      expect(framesDecoded([...(await b.getStats()).values()][0])).to.equal(0);
      a.hangUp();
      b.hangUp();
      return;
    }
    expect(await a.shareScreen()).to.equal(true);
    await until(async () => framesDecoded([...(await b.getStats()).values()][0]) > 0, "b decodes a's screen", 20_000);
    const [atB] = remoteVideos(b);
    await until(() => near(aspect(atB!), 16 / 9), "the screen's shape at b", 20_000);
    expect(await playing(atB!)).to.equal(true);
    // The browser's "Stop sharing" ends the track by itself.
    const screen = ((part(a, "local-video") as HTMLVideoElement).srcObject as MediaStream).getVideoTracks()[0]!;
    const stopped = oneEvent(a, "screen-share");
    screen.dispatchEvent(new Event("ended"));
    expect((await stopped).detail.sharing).to.equal(false);
    expect(screen.readyState).to.equal("ended");
    expect(a.sharingScreen).to.equal(false);
    a.hangUp();
    b.hangUp();
  });

  it("a screen shared before anyone comes is what a newcomer sees; hang-up stops it", async () => {
    const room = uniqueRoom("screen-first");
    const a = await callIn(room);
    await until(() => a.state === "waiting", "a waiting");
    if (!SCREEN_CAPTURE) {
      // Nothing to share: the newcomer sees the camera.
      await noScreenToShare(a);
      const b = await callIn(room);
      await decodingFrom(b, 1);
      await until(() => near(aspect(remoteVideos(b)[0]!), 4 / 3), "the camera's shape at b");
      a.hangUp();
      expect(await a.shareScreen()).to.equal(false);
      b.hangUp();
      return;
    }
    expect(await a.shareScreen()).to.equal(true);
    const screen = ((part(a, "local-video") as HTMLVideoElement).srcObject as MediaStream).getVideoTracks()[0]!;
    const b = await callIn(room);
    await decodingFrom(b, 1);
    const [atB] = remoteVideos(b);
    await until(() => near(aspect(atB!), 16 / 9), "the screen's shape at b", 20_000);
    a.hangUp();
    expect(screen.readyState).to.equal("ended");
    expect(a.sharingScreen).to.equal(false);
    expect(await a.shareScreen()).to.equal(false);
    b.hangUp();
  });

  it("a screen the browser cannot capture is told in a notice; a cancelled picker is not", async () => {
    const a = await callIn(uniqueRoom("screen-fail"));
    await until(() => a.state === "waiting", "a waiting");
    if (SCREEN_SHARE_NEEDS_GESTURE) {
      // Called from a script, with no click to answer (an earlier test's has lapsed): it says so.
      await until(() => !navigator.userActivation.isActive, "no user activation left", 10_000);
      expect(await a.shareScreen()).to.equal(false);
      await a.updateComplete;
      expect(part(a, "screen-notice").textContent).to.contain("only when you press Share screen");
    }
    const getDisplayMedia = navigator.mediaDevices.getDisplayMedia;
    try {
      navigator.mediaDevices.getDisplayMedia = () => Promise.reject(new DOMException("no source", "NotFoundError"));
      expect(await a.shareScreen()).to.equal(false);
      await a.updateComplete;
      expect(part(a, "screen-notice").textContent).to.contain("No screen could be shared");
      expect(part(a, "screen-notice").closest("[role=status]")).to.exist;
      expect(a.sharingScreen).to.equal(false);
      // Cancelled: no notice (the person knows), and the earlier one is gone.
      navigator.mediaDevices.getDisplayMedia = () => Promise.reject(new DOMException("Permission denied by user", "NotAllowedError"));
      expect(await a.shareScreen()).to.equal(false);
      await a.updateComplete;
      expect(part(a, "screen-notice")).to.equal(null);
      navigator.mediaDevices.getDisplayMedia = () => Promise.reject(new DOMException("capture failure", "NotReadableError"));
      expect(await a.shareScreen()).to.equal(false);
      await a.updateComplete;
      expect(part(a, "screen-notice").textContent).to.contain("could not be captured");
    } finally {
      navigator.mediaDevices.getDisplayMedia = getDisplayMedia;
    }
    a.hangUp();
    await a.updateComplete;
    expect(part(a, "screen-notice")).to.equal(null);
  });

  it("a refused camera gives a media-error with its reason, and the call goes on without it", async () => {
    const original = navigator.mediaDevices.getUserMedia;
    navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException("denied", "NotAllowedError"));
    try {
      const room = uniqueRoom("denied");
      const container = document.createElement("div");
      document.body.append(container);
      const el = document.createElement("video-call");
      el.setAttribute("signaling-url", URL_PAIR);
      const error = oneEvent(el, "media-error");
      el.setAttribute("room", room);
      container.append(el);
      const { detail } = await error;
      expect(detail.reason).to.equal("permission-denied");
      await until(() => el.state === "waiting", "waiting without media");
      expect(el.getAttribute("media-error")).to.equal("permission-denied");
      expect(part(el, "notice").textContent).to.contain("denied");
      expect((part(el, "microphone") as HTMLButtonElement).disabled).to.equal(true);
      navigator.mediaDevices.getUserMedia = original;
      // A receive-only peer still sees the other one.
      const other = await callIn(room);
      await decodingFrom(el, 1);
      other.hangUp();
    } finally {
      navigator.mediaDevices.getUserMedia = original;
    }
  });

  it("a camera still being asked for: the call goes on without it after a wait, and what is allowed goes on the same connection", async () => {
    const room = uniqueRoom("prompt");
    const other = await callIn(room);
    await until(() => other.state === "waiting", "other waiting");
    const original = navigator.mediaDevices.getUserMedia;
    // The browser's prompt, unanswered until `allow`.
    let allow = () => {};
    const answered = new Promise<void>((resolve) => (allow = resolve));
    navigator.mediaDevices.getUserMedia = async (c) => {
      await answered;
      return original.call(navigator.mediaDevices, c);
    };
    try {
      const el = await callIn(room);
      await until(() => el.state === "starting", "starting");
      await decodingFrom(el, 1);
      await el.updateComplete;
      expect(part(el, "capture-notice").textContent).to.contain("Waiting for your camera and microphone");
      expect(el.localStream).to.equal(null);
      expect((await other.getStats()).size).to.equal(1);
      expect([...(await other.getStats()).values()].map(framesDecoded)).to.deep.equal([0]);
      const made = opened.pcs.length;

      allow();
      await decodingFrom(other, 1);
      expect(el.localStream!.getVideoTracks().length).to.equal(1);
      await el.updateComplete;
      expect(part(el, "capture-notice")).to.equal(null);
      // No connection was made anew for it.
      expect(opened.pcs.length).to.equal(made);
      el.hangUp();
      other.hangUp();
    } finally {
      navigator.mediaDevices.getUserMedia = original;
    }
  });

  it("a missing camera: joins with the microphone only, says so, and the other side hears it", async () => {
    const room = uniqueRoom("nocam");
    const other = await callIn(room);
    await until(() => other.state === "waiting", "other waiting");
    expect(other.localStream!.getVideoTracks().length).to.equal(1);
    const original = navigator.mediaDevices.getUserMedia;
    // From here on, a machine with a microphone and no camera.
    navigator.mediaDevices.getUserMedia = (c) =>
      c?.video ? Promise.reject(new DOMException("Requested device not found", "NotFoundError")) : original.call(navigator.mediaDevices, c);
    try {
      const container = document.createElement("div");
      document.body.append(container);
      const el = document.createElement("video-call");
      el.setAttribute("signaling-url", URL_PAIR);
      el.setAttribute("room", room);
      const error = oneEvent(el, "media-error");
      container.append(el);
      expect((await error).detail.reason).to.equal("no-device");
      await until(() => el.localStream !== null, "a local stream");
      expect(el.localStream!.getAudioTracks().length).to.equal(1);
      expect(el.localStream!.getVideoTracks().length).to.equal(0);
      expect(el.getAttribute("media-error")).to.equal("no-device");
      expect(part(el, "notice").textContent).to.contain("microphone only");
      expect((part(el, "camera") as HTMLButtonElement).disabled).to.equal(true);
      expect((part(el, "microphone") as HTMLButtonElement).disabled).to.equal(false);
      // It sees the other side, and the other side receives its sound.
      await decodingFrom(el, 1);
      await until(async () => {
        let packets = 0;
        (await other.getStats()).forEach((r) => r.forEach((s) => s.type === "inbound-rtp" && s.kind === "audio" && (packets += s.packetsReceived ?? 0)));
        return packets > 0;
      }, "audio packets at the other side");
    } finally {
      navigator.mediaDevices.getUserMedia = original;
    }
  });

  it("offers made at the same moment on both sides (glare) settle and the call goes on", async () => {
    const room = uniqueRoom("glare");
    const firstPc = opened.pcs.length;
    const a = await callIn(room);
    const b = await callIn(room);
    await decodingFrom(a, 1);
    await decodingFrom(b, 1);
    const pcs = opened.pcs.slice(firstPc);
    expect(pcs.length).to.equal(2);
    const offers = pcs.map(() => 0);
    pcs.forEach((pc, i) => {
      const set = pc.setLocalDescription.bind(pc);
      pc.setLocalDescription = (d?: RTCLocalSessionDescriptionInit) => {
        if (pc.signalingState === "stable") offers[i]!++;
        return set(d);
      };
    });
    // Both sides want a new m-line in the same task: both make an offer, one must yield.
    for (const pc of pcs) pc.addTransceiver("video", { direction: "recvonly" });
    await until(() => offers.every((n) => n > 0), "an offer from each side");
    await until(
      () => pcs.every((pc) => pc.signalingState === "stable" && pc.getTransceivers().every((t) => t.mid !== null)),
      "both sides stable with every transceiver negotiated",
    );
    expect(pcs[0]!.getTransceivers().length).to.equal(pcs[1]!.getTransceivers().length);
    expect(pcs.every((pc) => pc.connectionState === "connected")).to.equal(true);
    const before = framesDecoded((await a.getStats()).get(b.selfId!));
    await until(async () => framesDecoded((await a.getStats()).get(b.selfId!)) > before, "frames decoded after the glare");
  });

  it("removal from the page mid-call releases camera, connections and socket", async () => {
    const room = uniqueRoom("remove");
    const firstPc = opened.pcs.length;
    const firstWs = opened.sockets.length;
    const a = await callIn(room);
    const b = await callIn(room);
    await decodingFrom(a, 1);
    await decodingFrom(b, 1);
    const streams = [a.localStream, b.localStream];
    a.parentElement!.remove();
    b.parentElement!.remove();
    released(a, streams[0]!);
    released(b, streams[1]!);
    const pcs = opened.pcs.slice(firstPc);
    expect(pcs.length).to.equal(2);
    expect(pcs.every((pc) => pc.connectionState === "closed")).to.equal(true);
    await until(() => opened.sockets.slice(firstWs).every((s) => s.readyState === WebSocket.CLOSED), "sockets closed");
  });

  it("with room capacity 3, three peers each see two remote videos", async () => {
    const room = uniqueRoom("trio");
    const a = await callIn(room, URL_TRIO);
    const b = await callIn(room, URL_TRIO);
    const c = await callIn(room, URL_TRIO);
    for (const el of [a, b, c]) await decodingFrom(el, 2);
    for (const el of [a, b, c]) expect(new Set(el.peers).size).to.equal(2);
  });

  it("50 join / hang-up cycles leave no live track, no open connection, no open socket", async function () {
    // A hundred connections made and closed: more than the default bound on a loaded machine.
    this.timeout(120_000);
    const room = uniqueRoom("cycles");
    const from = { pcs: opened.pcs.length, sockets: opened.sockets.length, tracks: opened.tracks.length };
    const partner = await callIn(room);
    await until(() => partner.state === "waiting", "partner waiting");
    const el = await callIn(room);
    for (let i = 0; i < 50; i++) {
      if (i > 0) void el.join();
      await until(() => el.state === "connected" && partner.state === "connected", `cycle ${i} connected`);
      el.hangUp();
      await until(() => partner.state === "waiting", `cycle ${i} partner back to waiting`);
    }
    partner.hangUp();
    const pcs = opened.pcs.slice(from.pcs);
    const sockets = opened.sockets.slice(from.sockets);
    const tracks = opened.tracks.slice(from.tracks);
    expect(pcs.length).to.equal(100); // one per side per cycle
    expect(sockets.length).to.equal(51);
    expect(tracks.length).to.equal(102);
    expect(tracks.filter((t) => t.readyState === "live").length).to.equal(0);
    expect(pcs.filter((pc) => pc.connectionState !== "closed").length).to.equal(0);
    await until(() => sockets.every((s) => s.readyState === WebSocket.CLOSED), "all sockets closed");
  });

  it("when the browser blocks autoplay, offers a click to play and says so", async () => {
    const nativePlay = HTMLMediaElement.prototype.play;
    // The refusal browsers give a page without a user gesture, for remote videos only.
    HTMLMediaElement.prototype.play = function (this: HTMLMediaElement) {
      return this.muted ? nativePlay.call(this) : Promise.reject(new DOMException("no gesture", "NotAllowedError"));
    };
    try {
      const room = uniqueRoom("autoplay");
      const a = await callIn(room);
      const blocked = oneEvent(a, "autoplay-blocked");
      const b = await callIn(room);
      expect((await blocked).detail.peer).to.equal(b.selfId ?? (await until(() => b.selfId, "b id")));
      await a.updateComplete;
      const button = part(a, "unmute") as HTMLButtonElement;
      expect(button.textContent).to.contain("Click to play");
      // Said in a live region too, not only shown.
      const said = [...a.shadowRoot!.querySelectorAll("[role=status] [part~=notice]")].map((n) => n.textContent).join(" ");
      expect(said).to.contain("will not play the sound");
      // Meanwhile the picture plays, without its sound.
      const [video] = remoteVideos(a);
      expect(video!.muted).to.equal(true);
      expect(await playing(video!)).to.equal(true);
      HTMLMediaElement.prototype.play = nativePlay;
      button.click();
      await until(() => !part(a, "unmute"), "unmute button gone");
      expect(video!.muted).to.equal(false);
      await decodingFrom(a, 1);
    } finally {
      HTMLMediaElement.prototype.play = nativePlay;
    }
  });

  it("a peer without camera or microphone still has a tile, and says so", async () => {
    const room = uniqueRoom("bare");
    const a = await callIn(room);
    await until(() => a.state === "waiting", "a waiting");
    const b = await callIn(room, URL_PAIR, { audio: "off", video: "off" });
    await until(() => b.state === "connected" || b.state === "connecting-peer", "b in the room");
    await until(() => remoteVideos(a).length === 1, "a tile for b at a", 20_000);
    const tile = part(a, "remote-tile");
    expect(tile.dataset.peer).to.equal(b.selfId);
    await until(() => tile.querySelector("figcaption")!.textContent!.includes("microphone off"), "b's microphone said off");
    expect(tile.querySelector("figcaption")!.textContent).to.contain("camera off");
    expect(tile.querySelector("[part~=placeholder]")).to.exist;
  });

  it("mute and camera-off reach the other side over the link: its tile and a peer-media event say so", async () => {
    const room = uniqueRoom("told");
    const a = await callIn(room);
    const b = await callIn(room);
    await decodingFrom(b, 1);
    const tile = () => part(b, "remote-tile");
    const caption = () => tile().querySelector("figcaption")!.textContent!;
    await until(() => !caption().includes("off") && !tile().querySelector("[part~=placeholder]"), "a's tile showing its picture");
    const muted = oneEvent(b, "peer-media");
    a.toggleMicrophone(false);
    expect((await muted).detail).to.deep.equal({ peer: a.selfId, microphone: false, camera: true });
    await until(() => caption().includes("microphone off"), "a said muted");
    const dark = oneEvent(b, "peer-media");
    a.toggleCamera(false);
    expect((await dark).detail).to.deep.equal({ peer: a.selfId, microphone: false, camera: false });
    await until(() => caption().includes("camera off") && tile().querySelector("[part~=placeholder]"), "a's placeholder instead of black");
    a.toggleMicrophone(true);
    a.toggleCamera(true);
    await until(() => !caption().includes("off") && !tile().querySelector("[part~=placeholder]"), "a back on");
  });

  it("a full room never lights the camera, shows no tile, and offers to join once a seat frees", async () => {
    const room = uniqueRoom("seatfree");
    const a = await callIn(room);
    const b = await callIn(room);
    await decodingFrom(a, 1);
    const captures = opened.tracks.length;
    const c = await callIn(room);
    await until(() => c.state === "full", "c full");
    await c.updateComplete;
    expect(opened.tracks.length).to.equal(captures);
    expect(c.localStream).to.equal(null);
    expect(part(c, "local-video")).to.equal(null);
    expect(part(c, "videos").hidden).to.equal(true);
    expect(part(c, "join").textContent!.trim()).to.equal("Join again");
    b.hangUp();
    await until(() => part(c, "join")?.textContent!.trim() === "Join now", "c offered a free seat", 15_000);
    expect(part(c, "state").textContent).to.contain("A seat in this room is free now");
    part(c, "join").click();
    await decodingFrom(c, 1);
  });

  it("join-sound chimes when someone joins", async () => {
    const Native = window.AudioContext;
    let chimes = 0;
    window.AudioContext = class extends Native {
      override createOscillator() {
        chimes++;
        return super.createOscillator();
      }
    } as typeof AudioContext;
    try {
      const room = uniqueRoom("chime");
      const a = await callIn(room, URL_PAIR, { "join-sound": "" });
      const quiet = await callIn(uniqueRoom("no-chime"));
      await until(() => a.state === "waiting" && quiet.state === "waiting", "both waiting");
      expect(chimes).to.equal(0);
      const joined = oneEvent(a, "peer-joined");
      await callIn(room);
      await joined;
      expect(chimes).to.be.greaterThan(0);
    } finally {
      window.AudioContext = Native;
    }
  });

  it("an app message cannot make it rebuild a connection: that is the protocol's link generation", async () => {
    const room = uniqueRoom("imitate");
    const a = await callIn(room);
    await until(() => a.state === "waiting", "a waiting");
    // Another client in the room, speaking the protocol by hand.
    const ws = new NativeWS(URL_PAIR);
    await new Promise((r) => ws.addEventListener("open", r, { once: true }));
    ws.send(JSON.stringify({ type: "join", room }));
    await until(() => a.peers.length === 1, "a sees the other client");
    const pcs = opened.pcs.length;
    // The payload an older client used to ask for a rebuild, and a stale generation's offer.
    ws.send(JSON.stringify({ type: "app", to: a.selfId, payload: "reset-link" }));
    ws.send(JSON.stringify({ type: "description", to: a.selfId, link: 0, description: { type: "answer", sdp: "v=0" } }));
    // The server keeps one sender's frames in order: once a hears of the leave, it has had both.
    const left = oneEvent(a, "peer-left");
    ws.send(JSON.stringify({ type: "leave" }));
    await left;
    expect(opened.pcs.length).to.equal(pcs);
    ws.close();
  });

  it("a name attribute labels this peer's tile at the others, as given (not confirmed)", async () => {
    const room = uniqueRoom("named");
    const a = await callIn(room, URL_PAIR, { name: "Grace" });
    const b = await callIn(room);
    await decodingFrom(b, 1);
    const caption = part(b, "remote-tile").querySelector("figcaption")!.textContent!;
    expect(caption).to.contain("Grace");
    expect(caption).not.to.contain("confirmed");
    expect(part(a, "remote-tile").querySelector("figcaption")!.textContent).to.contain("Guest");
  });

  it("a server that narrows room names gets a clear invalid-room state", async () => {
    const el = await callIn("Upper-Case", URL_TRIO);
    await until(() => el.state === "invalid-room", "invalid-room from the server");
    expect(part(el, "state").textContent).to.contain("only hold these characters: a-z0-9-");
    expect(el.localStream).to.equal(null);
  });

  it("a camera-less peer who shares a screen stays heard: its sound and its screen are one tile", async () => {
    const room = uniqueRoom("nocam-share");
    const a = await callIn(room, URL_PAIR, { video: "off" });
    await until(() => a.state === "waiting", "a waiting");
    const b = await callIn(room);
    await until(() => a.state === "connected" && b.state === "connected", "both connected", 20_000);
    const tile = () => remoteVideos(b)[0];
    await until(() => tile() && liveTracks(tile()!, "audio").length === 1, "a's sound in b's tile");
    expect(liveTracks(tile()!, "video").length).to.equal(0);
    if (!SCREEN_CAPTURE) {
      // Nothing to share: a is still heard, in its one tile.
      await noScreenToShare(a);
      const heard = await audioPackets(b);
      await until(async () => (await audioPackets(b)) > heard + 20, "a's sound flowing after the attempt");
      expect(remoteVideos(b).length).to.equal(1);
      expect(liveTracks(tile()!, "audio").length).to.equal(1);
      return;
    }
    expect(await a.shareScreen()).to.equal(true);
    await until(() => tile() && liveTracks(tile()!, "video").length === 1 && near(aspect(tile()!), 16 / 9), "a's screen in b's tile", 20_000);
    // One tile for a, holding both; and the sound still arrives.
    expect(remoteVideos(b).length).to.equal(1);
    expect(liveTracks(tile()!, "audio").length).to.equal(1);
    expect(await playing(tile()!)).to.equal(true);
    const heard = await audioPackets(b);
    await until(async () => (await audioPackets(b)) > heard + 20, "a's sound flowing while it shares");
    await a.stopScreenShare();
    const after = await audioPackets(b);
    await until(async () => (await audioPackets(b)) > after + 20, "a's sound flowing after the share");
    expect(remoteVideos(b).length).to.equal(1);
    expect(liveTracks(tile()!, "audio").length).to.equal(1);
  });

  it("a server closing for flooding (1008) or for an oversize frame (1009) ends the call with its own state and reason", async () => {
    for (const [code, reason, burst] of [
      [1008, "rate-limited", () => Array.from({ length: 60 }, () => JSON.stringify({ type: "ping" }))],
      [1009, "message-too-big", () => [JSON.stringify({ type: "app", payload: "x".repeat(2000) })]],
    ] as const) {
      const before = opened.sockets.length;
      const el = await callIn(uniqueRoom(`close-${code}`), URL_STRICT, { audio: "off", video: "off" });
      const log = stateLog(el);
      await until(() => el.state === "waiting", `waiting before ${code}`);
      const socket = opened.sockets.slice(before).find((s) => s.readyState === WebSocket.OPEN)!;
      // What a misbehaving page would send on the element's socket.
      for (const frame of burst()) socket.send(frame);
      await until(() => el.state === "disconnected", `disconnected after ${code}`);
      expect(log.at(-1)).to.deep.equal({ state: "disconnected", reason, code });
      expect(part(el, "state").textContent).to.contain(reason === "rate-limited" ? "faster than the server allows" : "larger than the server takes");
      expect(part(el, "state").textContent).not.to.contain("another window");
      expect(part(el, "hang-up").textContent!.trim()).to.equal("Join again");
      // Final: it does not reconnect by itself.
      const sockets = opened.sockets.length;
      await new Promise((r) => setTimeout(r, 1500));
      expect(opened.sockets.length).to.equal(sockets);
      el.parentElement!.remove();
    }
  });

  it("an ice-servers value the browser refuses puts the call in invalid-config and names the value", async () => {
    for (const [value, says] of [
      ['[{"urls":"turn.example.com"}]', "turn.example.com"],
      ['[{"urls":"turn:turn.example.com:3478"}]', "username"],
      ["[{urls:", "not valid JSON"],
      ['{"urls":"stun:stun.example.com"}', "array"],
    ] as const) {
      const pcs = opened.pcs.length;
      const sockets = opened.sockets.length;
      const container = document.createElement("div");
      document.body.append(container);
      const el = document.createElement("video-call");
      const event = oneEvent(el, "config-error");
      el.setAttribute("signaling-url", URL_PAIR);
      el.setAttribute("ice-servers", value);
      el.setAttribute("room", uniqueRoom("ice"));
      container.append(el);
      const { detail } = await event;
      expect(detail.attribute).to.equal("ice-servers");
      expect(detail.value).to.equal(value);
      expect(detail.message).to.contain(says);
      await until(() => el.state === "invalid-config", "invalid-config");
      await el.updateComplete;
      expect(part(el, "state").textContent).to.contain(says);
      // Nothing started: no camera, no socket, no connection left behind.
      expect(el.localStream).to.equal(null);
      expect(opened.sockets.length).to.equal(sockets);
      expect(opened.pcs.slice(pcs).every((pc) => pc.connectionState === "closed")).to.equal(true);
      container.remove();
    }
    // A good value is taken, and used: with a server that gives none, it is what connections are made with.
    const room = uniqueRoom("ice-ok");
    const ok = await callIn(room, URL_PAIR, { "ice-servers": '[{"urls":"stun:127.0.0.1:3478"}]', audio: "off", video: "off" });
    await until(() => ok.state === "waiting", "waiting with a good ice-servers");
    const pcs = opened.pcs.length;
    const other = await callIn(room, URL_PAIR, { audio: "off", video: "off" });
    await until(() => opened.pcs.length >= pcs + 2, "a connection on each side");
    const configs = opened.pcs.slice(pcs).map((pc) => (pc.getConfiguration().iceServers ?? []).flatMap((s) => [s.urls].flat()));
    expect(configs.some((urls) => urls.includes("stun:127.0.0.1:3478"))).to.equal(true);
    expect(configs.some((urls) => urls.length === 0)).to.equal(true);
    other.hangUp();
  });

  it("remote tiles are keyed by peer: one leaving does not touch another's video", async () => {
    const room = uniqueRoom("keyed");
    const a = await callIn(room, URL_TRIO);
    const b = await callIn(room, URL_TRIO);
    await decodingFrom(a, 1);
    const c = await callIn(room, URL_TRIO);
    for (const el of [a, b, c]) await decodingFrom(el, 2);
    const cVideo = remoteVideos(a).find((v) => v.dataset.peer === c.selfId)!;
    expect(remoteVideos(a)[1]).to.equal(cVideo);
    const cStream = cVideo.srcObject;
    const disturbed: string[] = [];
    for (const type of ["emptied", "loadstart", "abort"]) cVideo.addEventListener(type, () => disturbed.push(type));
    const bId = b.selfId;
    const left = oneEvent(a, "peer-left");
    b.hangUp();
    expect((await left).detail.peer).to.equal(bId);
    await until(() => remoteVideos(a).length === 1, "b's tile gone");
    expect(remoteVideos(a)[0]).to.equal(cVideo);
    expect(cVideo.srcObject).to.equal(cStream);
    expect(await playing(cVideo)).to.equal(true);
    expect(disturbed).to.deep.equal([]);
  });

  it("a server's narrower room-name rule, given as attributes, is checked before connecting", async () => {
    const sockets = opened.sockets.length;
    const el = await callIn("Upper-Case", URL_TRIO, { "room-max-length": "16", "room-charset": "a-z0-9-" });
    await until(() => el.state === "invalid-room", "invalid-room at once");
    expect(part(el, "state").textContent).to.contain("only hold these characters: a-z0-9-");
    const long = await callIn("a".repeat(17), URL_TRIO, { "room-max-length": "16", "room-charset": "a-z0-9-" });
    await until(() => long.state === "invalid-room", "invalid-room for a long name");
    expect(part(long, "state").textContent).to.contain("longer than 16");
    expect(opened.sockets.length).to.equal(sockets);
  });

  it("acts only on well-formed messages from a server that is not ours", async () => {
    const pcs = opened.pcs.length;
    const errors: unknown[] = [];
    const onError = (e: ErrorEvent | PromiseRejectionEvent) => errors.push("reason" in e ? e.reason : e.error);
    window.addEventListener("error", onError);
    window.addEventListener("unhandledrejection", onError);
    try {
      const el = await callIn(uniqueRoom("hostile"), URL_HOSTILE, { audio: "off", video: "off" });
      const log = stateLog(el);
      // Only the valid `created` at the end counts: alone in the room.
      await until(() => el.state === "waiting", "waiting after the valid answer");
      expect(el.selfId).to.equal("me");
      expect(el.peers).to.deep.equal([]);
      expect(opened.pcs.length).to.equal(pcs);
      expect(remoteVideos(el).length).to.equal(0);
      expect(log.map((d) => d.state)).not.to.include("full");
      expect(errors).to.deep.equal([]);
    } finally {
      window.removeEventListener("error", onError);
      window.removeEventListener("unhandledrejection", onError);
    }
  });

  it("takes looks from custom properties", async () => {
    const idle = await fixture<VideoCall>(html`<video-call style="--rc-radius: 4px"></video-call>`);
    expect(idle.state).to.equal("idle");
    expect(getComputedStyle(part(idle, "join")).borderTopLeftRadius).to.equal("4px");
    const el = await callIn(uniqueRoom("looks"), URL_PAIR, { style: "--rc-radius: 4px; --rc-video-background: rgb(9, 8, 7)", video: "off", audio: "off" });
    await until(() => el.state === "waiting", "waiting");
    await el.updateComplete;
    expect(getComputedStyle(part(el, "local-video")).borderTopLeftRadius).to.equal("4px");
    // No camera: the tile's placeholder shows, in the chosen colour.
    expect(getComputedStyle(part(el, "placeholder")).backgroundColor).to.equal("rgb(9, 8, 7)");
  });
});
