/**
 * `<video-call lobby>`: the pre-join screen (preview, level meter, pickers, toggles, Join),
 * joining only when asked, with what was captured there; permission problems before joining;
 * the keyboard alone; axe on the lobby and on the settings panel of the call.
 */
import { expect } from "@open-wc/testing";
import { sendKeys, sendMouse } from "@web/test-runner-commands";
import { accessibleInBothSchemes, focused } from "../../shared/a11y-helpers.ts";
import { URL_PAIR, callIn as openCall, until } from "../../shared/test-helpers.ts";
import "../video-call.ts";
import type { CallStateDetail, VideoCall } from "../video-call.ts";

const FIREFOX = navigator.userAgent.includes("Firefox/");
const uniqueRoom = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 10)}`;
/** A call that opens in the lobby. */
const callIn = (room: string, attributes: Record<string, string> = {}) => openCall(room, { lobby: "", ...attributes });

const part = (el: VideoCall, name: string) => el.shadowRoot!.querySelector(`[part~="${name}"]`) as HTMLElement;

// Sockets and captures, to see that the lobby takes no seat and the call captures nothing more.
const sockets: WebSocket[] = [];
const NativeWS = window.WebSocket;
window.WebSocket = class extends NativeWS {
  constructor(url: string | URL, protocols?: string | string[]) {
    super(url, protocols);
    sockets.push(this);
  }
} as typeof WebSocket;
let captures = 0;
const nativeGetUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
navigator.mediaDevices.getUserMedia = (constraints) => {
  captures++;
  return nativeGetUserMedia(constraints);
};


/** The lobby with its preview playing and the microphone heard by the meter. */
async function ready(el: VideoCall) {
  await until(() => el.state === "lobby" && el.localStream?.getTracks().length === 2, "the lobby's preview");
  await until(() => (part(el, "local-video") as HTMLVideoElement).videoWidth > 0, "the preview playing");
}

afterEach(() => {
  for (const el of document.querySelectorAll("video-call")) el.remove();
  localStorage.removeItem("roomcall.devices");
});

describe("<video-call lobby>", () => {
  it("shows preview, meter, pickers and toggles; takes no seat until Join; joins with the preview's tracks", async () => {
    const seen: CallStateDetail[] = [];
    const before = { sockets: sockets.length, captures };
    const el = document.createElement("video-call");
    el.addEventListener("call-state", (e) => seen.push(e.detail));
    el.setAttribute("signaling-url", URL_PAIR);
    el.setAttribute("lobby", "");
    el.setAttribute("room", uniqueRoom("lobby"));
    document.body.append(el);
    await ready(el);
    expect(el.getAttribute("state")).to.equal("lobby");
    expect(seen[0]).to.deep.equal({ state: "lobby" });
    expect(part(el, "state").textContent).to.contain("then join");
    for (const p of ["lobby", "local-video", "mic-level", "camera-select", "microphone-select", "microphone", "camera", "join"]) expect(part(el, p), p).to.exist;
    expect(part(el, "hang-up")).to.equal(null);
    expect(part(el, "videos").hidden).to.equal(true);
    expect((part(el, "local-video") as HTMLVideoElement).muted).to.equal(true);
    // The meter hears the fake microphone (a tone), once the page had a click (browsers hold
    // Web Audio until then; headless Chromium does not). Headless Firefox here has no audio
    // output, and its AudioContext never leaves "suspended" (also with a click, and with
    // media.autoplay.block-webaudio off): there the meter is only checked to be there, at 0.
    const preview = part(el, "local-video").getBoundingClientRect();
    await sendMouse({ type: "click", position: [Math.round(preview.x + preview.width / 2), Math.round(preview.y + preview.height / 2)] });
    if (FIREFOX) expect((part(el, "mic-level") as HTMLMeterElement).value).to.equal(0);
    else await until(() => (part(el, "mic-level") as HTMLMeterElement).value > 0.01, "the meter moving");
    expect(part(el, "mic-level").closest("label")!.textContent).to.contain("Microphone level");
    // Still no socket: the lobby takes no seat.
    expect(sockets.length).to.equal(before.sockets);
    const stream = el.localStream!;
    const tracks = stream.getTracks();
    part(el, "join").click();
    await until(() => el.state === "waiting", "waiting after Join");
    expect(sockets.length).to.equal(before.sockets + 1);
    // The preview's tracks went on into the call: one capture only.
    expect(captures).to.equal(before.captures + 1);
    expect(el.localStream!.getTracks()).to.deep.equal(tracks);
    for (const t of tracks) expect(t.readyState).to.equal("live");
    expect(seen.map((s) => s.state)).not.to.include("starting");
    expect(part(el, "lobby")).to.equal(null);
    await el.updateComplete;
    expect(part(el, "hang-up").textContent!.trim()).to.equal("Hang Up");
  });

  it("join() from the lobby with the camera turned off there: the call starts with it off, and the other side is told", async () => {
    const room = uniqueRoom("lobby-off");
    const a = callIn(room);
    await ready(a);
    part(a, "camera").click();
    await a.updateComplete;
    expect(part(a, "camera").textContent!.trim()).to.equal("Turn camera on");
    const b = callIn(room);
    await ready(b);
    await a.join();
    await until(() => a.state === "waiting", "a waiting");
    await b.join();
    await until(() => a.state === "connected" && b.state === "connected", "connected", 20_000);
    expect(a.localStream!.getVideoTracks()[0]!.enabled).to.equal(false);
    await until(() => b.shadowRoot!.querySelector("[part~='remote-tile'][data-no-picture]"), "b shows a's camera off");
    expect(part(a, "camera").textContent!.trim()).to.equal("Turn camera on");
  });

  it("a camera chosen in the lobby is the one the call sends, and is remembered", async () => {
    const el = callIn(uniqueRoom("lobby-pick"));
    await ready(el);
    const target = [...el.devices.cameras].reverse().find((c) => c.deviceId !== el.devices.camera) ?? el.devices.cameras[0]!;
    const old = el.localStream!.getVideoTracks()[0]!;
    expect(await el.setCamera(target.deviceId)).to.equal(true);
    expect(old.readyState).to.equal("ended");
    await el.updateComplete;
    expect((part(el, "camera-select") as HTMLSelectElement).value).to.equal(target.deviceId);
    const track = el.localStream!.getVideoTracks()[0]!;
    await el.join();
    await until(() => el.state === "waiting", "waiting");
    expect(el.localStream!.getVideoTracks()[0]).to.equal(track);
    expect(JSON.parse(localStorage.getItem("roomcall.devices")!).camera).to.equal(target.deviceId);
  });

  it("permission refused: the reason shows in the lobby, before joining, with a way to try again", async () => {
    const original = navigator.mediaDevices.getUserMedia;
    navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException("denied", "NotAllowedError"));
    const before = sockets.length;
    try {
      const el = callIn(uniqueRoom("lobby-denied"));
      const error = new Promise<CustomEvent>((r) => el.addEventListener("media-error", (e) => r(e), { once: true }));
      expect((await error).detail.reason).to.equal("permission-denied");
      await el.updateComplete;
      expect(el.state).to.equal("lobby");
      expect(el.getAttribute("media-error")).to.equal("permission-denied");
      const notice = part(el, "notice");
      expect(notice.textContent).to.contain("access was denied");
      expect(notice.closest("[role=status]")).to.exist;
      expect(part(el, "retry-media")).to.exist;
      expect(part(el, "camera").textContent!.trim()).to.equal("No camera");
      await accessibleInBothSchemes(el, "lobby, permission refused");
      expect(sockets.length).to.equal(before);
      // Allowed now: Try again in the lobby gets the preview.
      navigator.mediaDevices.getUserMedia = original;
      part(el, "retry-media").click();
      await ready(el);
      await el.updateComplete;
      expect(el.mediaError).to.equal(null);
      expect(part(el, "notice")).to.equal(null);
      expect(sockets.length).to.equal(before);
    } finally {
      navigator.mediaDevices.getUserMedia = original;
    }
  });

  it("can be completed with the keyboard alone, and passes axe", async () => {
    const el = callIn(uniqueRoom("lobby-keys"));
    await ready(el);
    await el.updateComplete;
    await accessibleInBothSchemes(el, "lobby");
    // Every control is reached with Tab, in order; Space toggles, Enter joins.
    const order: string[] = [];
    for (let i = 0; i < 12 && !order.includes("join"); i++) {
      await sendKeys({ press: "Tab" });
      const at = focused();
      if (at && el.shadowRoot!.contains(at)) order.push(at.getAttribute("part")!.split(" ").at(-1)!);
    }
    expect(order).to.include.members(["camera-select", "microphone-select", "microphone", "camera", "join"]);
    expect(order.indexOf("camera")).to.be.lessThan(order.indexOf("join"));
    part(el, "microphone").focus();
    await sendKeys({ press: " " });
    await el.updateComplete;
    expect(el.localStream!.getAudioTracks()[0]!.enabled).to.equal(false);
    expect(part(el, "microphone").textContent!.trim()).to.equal("Unmute");
    part(el, "join").focus();
    await sendKeys({ press: "Enter" });
    await until(() => el.state === "waiting", "waiting after Enter");
    await el.updateComplete;
    // The focus is not lost to the page: on Hang Up, which took Join's place.
    expect(focused()).to.equal(part(el, "hang-up"));
    expect(part(el, "microphone").textContent!.trim()).to.equal("Unmute");
  });

  it("the settings panel of the call: opened with the keyboard, labelled pickers, passes axe", async () => {
    const el = callIn(uniqueRoom("lobby-settings"));
    await ready(el);
    await el.join();
    await until(() => el.state === "waiting", "waiting");
    await el.updateComplete;
    const settings = part(el, "settings");
    settings.focus();
    await sendKeys({ press: "Enter" });
    await el.updateComplete;
    expect(settings.getAttribute("aria-expanded")).to.equal("true");
    expect(settings.getAttribute("aria-controls")).to.equal(part(el, "settings-panel").id);
    expect(part(el, "settings-panel").querySelectorAll("select").length).to.be.greaterThan(1);
    await accessibleInBothSchemes(el, "settings panel open");
    await sendKeys({ press: "Enter" });
    await el.updateComplete;
    expect(part(el, "settings-panel")).to.equal(null);
  });

  it("put back on the page, it starts in the lobby again; a new room while in the lobby keeps it there", async () => {
    const el = callIn(uniqueRoom("lobby-again"));
    await ready(el);
    await el.join();
    await until(() => el.state === "waiting", "waiting");
    const tracks = el.localStream!.getTracks();
    el.remove();
    for (const t of tracks) expect(t.readyState).to.equal("ended");
    const seats = sockets.length;
    document.body.append(el);
    await ready(el);
    el.room = uniqueRoom("lobby-moved");
    await el.updateComplete;
    expect(el.state).to.equal("lobby");
    expect(sockets.length).to.equal(seats);
  });

  it("hanging up in the lobby stops the preview", async () => {
    const el = callIn(uniqueRoom("lobby-hangup"));
    await ready(el);
    const tracks = el.localStream!.getTracks();
    el.hangUp();
    await el.updateComplete;
    expect(el.state).to.equal("hung-up");
    for (const t of tracks) expect(t.readyState).to.equal("ended");
    expect(part(el, "lobby")).to.equal(null);
  });
});
