/**
 * Devices in a `<video-call>`: switching camera and microphone mid-call (a track swap the
 * other side keeps decoding through), the speaker, remembered choices and their fallback, and
 * a device unplugged in the call.
 *
 * Fake devices: Chromium runs with `--use-fake-device-for-media-stream=device-count=3` (three
 * cameras, `fake_device_0` to `_2`; its fake audio already offers three inputs and three
 * outputs). Its `fake_device_1` gives Y16 (depth) frames, which a video encoder does not take:
 * the tests switch to the last camera, `fake_device_2` (MJPEG). Firefox's fake devices (`media.navigator.streams.fake`) are one camera and one
 * microphone, and it lists no outputs without `selectAudioOutput()`: there a switch reopens the
 * same device (still a new track, swapped in, the old one stopped), and what needs a second
 * device or an output is skipped with the reason said.
 */
import { expect } from "@open-wc/testing";
import { URL_PAIR, callIn, framesDecoded, until } from "../../shared/test-helpers.ts";
import "../video-call.ts";
import type { DeviceChangeDetail, VideoCall } from "../video-call.ts";

const FIREFOX = navigator.userAgent.includes("Firefox/");
const uniqueRoom = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 10)}`;
const part = (el: VideoCall, name: string) => el.shadowRoot!.querySelector(`[part~="${name}"]`) as HTMLElement;

// Every connection made, to see that a switch does not renegotiate.
const pcs: RTCPeerConnection[] = [];
const NativePC = window.RTCPeerConnection;
window.RTCPeerConnection = class extends NativePC {
  constructor(config?: RTCConfiguration) {
    super(config);
    pcs.push(this);
  }
} as typeof RTCPeerConnection;


function changes(el: VideoCall) {
  const log: DeviceChangeDetail[] = [];
  el.addEventListener("device-change", (e) => log.push(e.detail));
  return log;
}

async function decoded(el: VideoCall): Promise<number> {
  const [report] = (await el.getStats()).values();
  return framesDecoded(report);
}

async function audioPackets(el: VideoCall): Promise<number> {
  let n = 0;
  for (const r of (await el.getStats()).values()) r.forEach((s) => s.type === "inbound-rtp" && s.kind === "audio" && (n += s.packetsReceived ?? 0));
  return n;
}

/** Two elements in one room, each decoding the other's video. */
async function pair(prefix: string): Promise<[VideoCall, VideoCall]> {
  const room = uniqueRoom(prefix);
  const a = callIn(room);
  await until(() => a.state === "waiting", "a waiting");
  const b = callIn(room);
  await until(() => a.state === "connected" && b.state === "connected", "connected", 20_000);
  await until(async () => (await decoded(a)) > 0 && (await decoded(b)) > 0, "frames both ways", 20_000);
  return [a, b];
}

/** The sender of `kind` on each of `el`'s connections (the test holds them all). */
function senders(kind: "audio" | "video"): RTCRtpSender[] {
  return pcs.filter((pc) => pc.connectionState === "connected").flatMap((pc) => pc.getSenders().filter((s) => s.track?.kind === kind));
}

/** The last device of the list other than the one in use, or (Firefox, one device) the same one. */
function another(list: { deviceId: string }[], inUse: string | null): string {
  return ([...list].reverse().find((d) => d.deviceId !== inUse) ?? list[0]!).deviceId;
}

afterEach(() => {
  for (const el of document.querySelectorAll("video-call")) el.remove();
  localStorage.removeItem("roomcall.devices");
});

describe("<video-call> devices", () => {
  it("lists cameras, microphones and (where it can) speakers, with labels once captured", async () => {
    const [a] = await pair("dev-list");
    await until(() => a.devices.cameras.length > 0 && a.devices.microphones.length > 0, "devices listed");
    const d = a.devices;
    expect(d.cameras.every((c) => c.label !== "")).to.equal(true);
    expect(d.camera).to.equal(a.localStream!.getVideoTracks()[0]!.getSettings().deviceId);
    expect(d.microphone).to.equal(a.localStream!.getAudioTracks()[0]!.getSettings().deviceId);
    if (FIREFOX) expect(d.cameras.length, "Firefox: one fake camera").to.equal(1);
    else expect(d.cameras.length, "Chromium: device-count=3").to.equal(3);
    if (FIREFOX) {
      // Firefox lists outputs only after selectAudioOutput(), which needs a person's click.
      expect(d.speakers).to.deep.equal([]);
    } else {
      expect(d.speakers.length).to.be.greaterThan(0);
    }
  });

  it("setCamera mid-call: swapped on the link with no renegotiation, the old track stopped, the other side keeps decoding", async () => {
    const [a, b] = await pair("dev-cam");
    const log = changes(a);
    const old = a.localStream!.getVideoTracks()[0]!;
    const target = another(a.devices.cameras, a.devices.camera);
    if (!FIREFOX) expect(target).not.to.equal(a.devices.camera);
    let renegotiated = 0;
    for (const pc of pcs) pc.addEventListener("signalingstatechange", () => renegotiated++);
    expect(await a.setCamera(target)).to.equal(true);
    const now = a.localStream!.getVideoTracks()[0]!;
    expect(now).not.to.equal(old);
    expect(old.readyState).to.equal("ended");
    expect(now.readyState).to.equal("live");
    expect(now.getSettings().deviceId).to.equal(target);
    expect(a.devices.camera).to.equal(target);
    // a's sender now sends the new track.
    expect(senders("video").some((s) => s.track === now)).to.equal(true);
    expect(senders("video").some((s) => s.track === old)).to.equal(false);
    expect(log).to.deep.equal([{ kind: "camera", deviceId: target, reason: "selected" }]);
    // The preview shows the new camera.
    await a.updateComplete;
    expect((part(a, "local-video") as HTMLVideoElement).srcObject).to.equal(a.localStream);
    // b goes on decoding frames, from the new track.
    const before = await decoded(b);
    await until(async () => (await decoded(b)) > before + 15, "b decodes frames after the switch", 20_000);
    expect(renegotiated, "signaling state changes after the switch").to.equal(0);
    expect(JSON.parse(localStorage.getItem("roomcall.devices")!).camera).to.equal(target);
  });

  it("setMicrophone mid-call: the other side's audio track stays live and packets keep coming", async () => {
    const [a, b] = await pair("dev-mic");
    const old = a.localStream!.getAudioTracks()[0]!;
    const target = another(a.devices.microphones, a.devices.microphone);
    if (!FIREFOX) expect(target).not.to.equal(a.devices.microphone);
    expect(await a.setMicrophone(target)).to.equal(true);
    const now = a.localStream!.getAudioTracks()[0]!;
    expect(old.readyState).to.equal("ended");
    expect(now.getSettings().deviceId).to.equal(target);
    expect(senders("audio").some((s) => s.track === now)).to.equal(true);
    const remote = b.shadowRoot!.querySelector<HTMLVideoElement>("video[part~='remote-video']")!;
    const audio = (remote.srcObject as MediaStream).getAudioTracks();
    expect(audio.length).to.equal(1);
    expect(audio[0]!.readyState).to.equal("live");
    const before = await audioPackets(b);
    await until(async () => (await audioPackets(b)) > before + 50, "b receives audio after the switch", 20_000);
    // A muted microphone stays muted on the new device.
    a.toggleMicrophone(false);
    expect(await a.setMicrophone(a.devices.microphones[0]!.deviceId)).to.equal(true);
    expect(a.localStream!.getAudioTracks()[0]!.enabled).to.equal(false);
    expect(part(a, "microphone").textContent!.trim()).to.equal("Unmute");
  });

  it("the settings control opens labelled pickers; choosing one switches the camera", async () => {
    const [a] = await pair("dev-settings");
    const button = part(a, "settings") as HTMLButtonElement;
    expect(button.getAttribute("aria-expanded")).to.equal("false");
    expect(part(a, "settings-panel")).to.equal(null);
    button.click();
    await a.updateComplete;
    expect(button.getAttribute("aria-expanded")).to.equal("true");
    const select = part(a, "camera-select") as HTMLSelectElement;
    expect(select.closest("label")!.textContent).to.contain("Camera");
    expect(part(a, "microphone-select").closest("label")!.textContent).to.contain("Microphone");
    expect(select.value).to.equal(a.devices.camera);
    const target = another(a.devices.cameras, a.devices.camera);
    const old = a.localStream!.getVideoTracks()[0]!;
    const changed = new Promise<DeviceChangeDetail>((r) => a.addEventListener("device-change", (e) => r(e.detail), { once: true }));
    select.value = target;
    select.dispatchEvent(new Event("change"));
    expect(await changed).to.deep.equal({ kind: "camera", deviceId: target, reason: "selected" });
    expect(old.readyState).to.equal("ended");
  });

  it("setSpeaker plays the others' sound on that output", async function () {
    const [a] = await pair("dev-speaker");
    if (FIREFOX) {
      // Firefox has setSinkId but lists outputs only after selectAudioOutput() (a person's click): nothing to pick here.
      this.skip();
    }
    const speaker = a.devices.speakers.at(-1)!.deviceId;
    const log = changes(a);
    expect(await a.setSpeaker(speaker)).to.equal(true);
    const remote = a.shadowRoot!.querySelector<HTMLVideoElement>("video[part~='remote-video']")!;
    expect(remote.sinkId).to.equal(speaker);
    expect(a.devices.speaker).to.equal(speaker);
    expect(log).to.deep.equal([{ kind: "speaker", deviceId: speaker, reason: "selected" }]);
    expect(await a.setSpeaker("no-such-output")).to.equal(false);
    expect(remote.sinkId).to.equal(speaker);
  });

  it("a remembered camera is used by a new element; a remembered camera that is gone falls back to another", async () => {
    const probe = callIn(uniqueRoom("dev-probe"), { lobby: "" });
    await until(() => probe.devices.cameras.length > 0 && probe.localStream, "a camera listed");
    const cameras = probe.devices.cameras;
    const chosen = cameras.at(-1)!.deviceId;
    probe.remove();
    localStorage.setItem("roomcall.devices", JSON.stringify({ camera: chosen }));
    const next = callIn(uniqueRoom("dev-remembered"), { lobby: "" });
    await until(() => next.localStream?.getVideoTracks()[0], "the preview");
    expect(next.devices.camera).to.equal(chosen);
    next.remove();
    // The remembered one is gone: another is used, the call still starts, and it is said.
    localStorage.setItem("roomcall.devices", JSON.stringify({ camera: "a-camera-unplugged-since", microphone: 42 }));
    const third = document.createElement("video-call");
    const log = changes(third);
    third.setAttribute("signaling-url", URL_PAIR);
    third.setAttribute("room", uniqueRoom("dev-gone"));
    document.body.append(third);
    await until(() => third.state === "waiting", "waiting");
    const track = third.localStream!.getVideoTracks()[0]!;
    expect(track.readyState).to.equal("live");
    expect(cameras.map((c) => c.deviceId)).to.include(track.getSettings().deviceId);
    await until(() => log.length > 0, "device-change");
    expect(log).to.deep.equal([{ kind: "camera", deviceId: track.getSettings().deviceId, reason: "unavailable" }]);
    expect(third.mediaError).to.equal(null);
    // What was remembered stays for when it is back.
    expect(JSON.parse(localStorage.getItem("roomcall.devices")!).camera).to.equal("a-camera-unplugged-since");
  });

  it("the camera in use unplugged: another takes its place (or the call goes on without), with a notice and an event", async () => {
    const [a, b] = await pair("dev-unplug");
    // On the last camera, so that the one taking over is the first (see the top of the file).
    expect(await a.setCamera(another(a.devices.cameras, a.devices.camera))).to.equal(true);
    const log = changes(a);
    const old = a.localStream!.getVideoTracks()[0]!;
    const others = a.devices.cameras.filter((c) => c.deviceId !== a.devices.camera);
    // What the browser does when a device goes away: `ended`, and the track is over. (Firefox
    // calls no listener for an event dispatched on a track already stopped: dispatched first.)
    old.dispatchEvent(new Event("ended"));
    old.stop();
    await until(() => log.length > 0, "device-change");
    const notice = await until(() => part(a, "device-notice"), "the notice");
    expect(notice.closest("[role=status]")).to.exist;
    if (others.length > 0) {
      const now = a.localStream!.getVideoTracks()[0]!;
      expect(log).to.deep.equal([{ kind: "camera", deviceId: others[0]!.deviceId, reason: "unplugged" }]);
      expect(now.readyState).to.equal("live");
      expect(notice.textContent).to.contain(`now using ${others[0]!.label}`);
      const before = await decoded(b);
      await until(async () => (await decoded(b)) > before + 15, "b decodes the camera that took over", 20_000);
    } else {
      // Firefox: its one fake camera is the one gone.
      expect(log).to.deep.equal([{ kind: "camera", deviceId: null, reason: "unplugged" }]);
      expect(a.localStream!.getVideoTracks()).to.deep.equal([]);
      expect(notice.textContent).to.contain("goes on without it");
      await a.updateComplete;
      expect(part(a, "camera").textContent!.trim()).to.equal("No camera");
      // b is told, and its tile shows the placeholder.
      await until(() => b.shadowRoot!.querySelector("[part~='remote-tile'][data-no-picture]"), "b shows a's placeholder");
    }
    expect(a.state).to.equal("connected");
  });

  it("a device gone from the list at devicechange counts as unplugged", async () => {
    const [a] = await pair("dev-devicechange");
    const log = changes(a);
    const inUse = a.devices.microphone;
    const native = navigator.mediaDevices.enumerateDevices.bind(navigator.mediaDevices);
    navigator.mediaDevices.enumerateDevices = async () => (await native()).filter((d) => d.deviceId !== inUse);
    try {
      navigator.mediaDevices.dispatchEvent(new Event("devicechange"));
      await until(() => log.length > 0, "device-change");
      expect(log[0]!.kind).to.equal("microphone");
      expect(log[0]!.reason).to.equal("unplugged");
      expect(log[0]!.deviceId).not.to.equal(inUse);
      expect(part(a, "device-notice").textContent).to.contain("microphone was disconnected");
    } finally {
      navigator.mediaDevices.enumerateDevices = native;
    }
  });
});
