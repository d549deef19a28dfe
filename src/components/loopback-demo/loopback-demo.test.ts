import { expect, fixture, html, oneEvent } from "@open-wc/testing";
import { MEDIA_ERROR_TEXT, type MediaErrorReason, mediaErrorReason } from "../shared/media-error.ts";
import { framesDecoded, playing, until } from "../shared/test-helpers.ts";
import "./loopback-demo.ts";
import type { LoopbackDemo } from "./loopback-demo.ts";

// Every connection the element opens, so the tests can check both sides get closed.
const opened: RTCPeerConnection[] = [];
const NativePC = window.RTCPeerConnection;
window.RTCPeerConnection = class extends NativePC {
  constructor(config?: RTCConfiguration) {
    super(config);
    opened.push(this);
  }
} as typeof RTCPeerConnection;

const q = <T extends Element>(el: LoopbackDemo, sel: string) => el.shadowRoot!.querySelector(sel) as T;
const video = (el: LoopbackDemo, which: "local" | "remote") => q<HTMLVideoElement>(el, `video.${which}`);
const buttons = (el: LoopbackDemo) => [...el.shadowRoot!.querySelectorAll("button")];
const enabled = (el: LoopbackDemo) => buttons(el).map((b) => !b.disabled);
const click = async (el: LoopbackDemo, label: string) => {
  buttons(el)
    .find((b) => b.textContent!.trim() === label)!
    .click();
  await el.updateComplete;
};

function closed(pcs: RTCPeerConnection[]) {
  expect(pcs.length).to.equal(2);
  for (const pc of pcs) {
    expect(pc.connectionState).to.equal("closed");
    expect(pc.signalingState).to.equal("closed");
  }
}

/** Replaces getUserMedia for one test with one that always rejects with `name`. */
async function withRefusal(name: string, run: () => Promise<void>) {
  const original = navigator.mediaDevices.getUserMedia;
  navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException("refused", name));
  try {
    await run();
  } finally {
    navigator.mediaDevices.getUserMedia = original;
  }
}

describe("<loopback-demo>", () => {
  it("renders its parts, with only Start enabled", async () => {
    const el = await fixture<LoopbackDemo>(html`<loopback-demo></loopback-demo>`);
    for (const p of ["videos", "local-video", "remote-video", "controls", "button", "status"]) {
      expect(q(el, `[part~="${p}"]`), p).to.exist;
    }
    expect(buttons(el).map((b) => b.textContent!.trim())).to.deep.equal(["Start", "Call", "Hang Up"]);
    expect(enabled(el)).to.deep.equal([true, false, false]);
    for (const v of [video(el, "local"), video(el, "remote")]) {
      expect(v.muted).to.equal(true);
      expect(v.hasAttribute("playsinline")).to.equal(true);
      expect(v.autoplay).to.equal(true);
    }
    expect(el.state).to.equal("idle");
    expect(el.getAttribute("state")).to.equal("idle");
    expect(el.setupTimeMs).to.equal(null);
    expect((await el.getStats()).size).to.equal(0);
  });

  it("through its buttons: decoded remote frames, a measured set-up time, then a clean hang-up", async () => {
    const wrapper = await fixture<HTMLDivElement>(html`<div><loopback-demo></loopback-demo></div>`);
    const el = wrapper.querySelector("loopback-demo")!;
    await el.updateComplete;
    const states: string[] = [];
    const composed: boolean[] = [];
    // Listened for on the parent: the events must bubble out of the element.
    wrapper.addEventListener("loopback-state", (e) => {
      composed.push(e.composed);
      states.push(e.detail.state);
    });
    const from = opened.length;

    const started = oneEvent(wrapper, "loopback-state");
    await click(el, "Start");
    await started;
    await until(() => el.state === "started", "started");
    await el.updateComplete;
    const local = video(el, "local").srcObject as MediaStream;
    expect(local).to.be.instanceOf(MediaStream);
    expect(local.getVideoTracks()[0]!.readyState).to.equal("live");
    expect(local.getAudioTracks()[0]!.readyState).to.equal("live");
    expect(await playing(video(el, "local"))).to.equal(true);
    expect(enabled(el)).to.deep.equal([false, true, true]);

    const frame = oneEvent(wrapper, "first-frame");
    await click(el, "Call");
    expect(enabled(el)).to.deep.equal([false, false, true]);
    const { detail } = await frame;
    expect(detail.ms).to.be.a("number").greaterThan(0);
    expect(el.setupTimeMs).to.equal(detail.ms);
    console.log(`loopback set-up time (Call to first remote frame): ${detail.ms} ms`);

    await until(() => el.state === "connected", "connected");
    await until(async () => framesDecoded((await el.getStats()).get("pc2")) > 0, "decoded frames");
    const remote = video(el, "remote");
    expect(remote.srcObject).to.be.instanceOf(MediaStream);
    expect((remote.srcObject as MediaStream).getTracks().map((t) => t.kind).sort()).to.deep.equal(["audio", "video"]);
    expect(await playing(remote)).to.equal(true);
    expect(remote.videoWidth).to.be.greaterThan(0);
    await el.updateComplete;
    expect(q(el, ".state").textContent).to.equal("State: connected");
    expect(el.getAttribute("state")).to.equal("connected");
    expect(q(el, "dd.pc1").textContent).to.match(/^(connected|completed) \/ connected$/);
    expect(q(el, "dd.pc2").textContent).to.match(/^(connected|completed) \/ connected$/);
    expect(q(el, "dd.setup").textContent).to.equal(`${detail.ms} ms`);

    const pcs = opened.slice(from);
    expect(pcs.map((pc) => pc.getConfiguration().iceTransportPolicy)).to.deep.equal(["all", "all"]);
    // pc1 only sends, pc2 only receives.
    expect(pcs[0]!.getSenders().map((s) => s.track?.kind).sort()).to.deep.equal(["audio", "video"]);
    expect(pcs[1]!.getReceivers().every((r) => r.track.readyState === "live")).to.equal(true);

    await click(el, "Hang Up");
    expect(local.getTracks().every((t) => t.readyState === "ended")).to.equal(true);
    closed(pcs);
    expect(video(el, "local").srcObject).to.equal(null);
    expect(remote.srcObject).to.equal(null);
    expect((await el.getStats()).size).to.equal(0);
    expect(enabled(el)).to.deep.equal([true, false, false]);
    expect(q(el, "dd.pc1").textContent).to.equal("closed / closed");
    // The last measurement stays readable after the call.
    expect(el.setupTimeMs).to.equal(detail.ms);

    await el.hangUp();
    await el.hangUp();
    expect(states).to.deep.equal(["starting", "started", "calling", "connected", "hung-up"]);
    expect(composed.every(Boolean)).to.equal(true);
    expect(opened.length).to.equal(from + 2);
  });

  it("keeps setupTimeMs read-only", async () => {
    const el = await fixture<LoopbackDemo>(html`<loopback-demo></loopback-demo>`);
    expect(() => {
      (el as unknown as { setupTimeMs: number }).setupTimeMs = 5;
    }).to.throw(TypeError);
    expect(el.setupTimeMs).to.equal(null);
  });

  it("releases the camera and both connections when removed mid-call", async () => {
    const el = await fixture<LoopbackDemo>(html`<loopback-demo></loopback-demo>`);
    const from = opened.length;
    await el.start();
    await el.call();
    await until(() => el.state === "connected", "connected");
    await until(async () => framesDecoded((await el.getStats()).get("pc2")) > 0, "decoded frames");
    const local = video(el, "local").srcObject as MediaStream;
    const remote = video(el, "remote").srcObject as MediaStream;
    expect(local.getTracks().length).to.equal(2);
    el.remove();
    expect(local.getTracks().every((t) => t.readyState === "ended")).to.equal(true);
    closed(opened.slice(from));
    // Chromium ends the received tracks a moment after close(), not within it.
    await until(() => remote.getTracks().every((t) => t.readyState === "ended"), "received tracks ended", 5_000);
    expect(video(el, "local").srcObject).to.equal(null);
    expect(video(el, "remote").srcObject).to.equal(null);
    expect((await el.getStats()).size).to.equal(0);
  });

  it("hung up while the camera is starting, leaves no live track", async () => {
    const el = await fixture<LoopbackDemo>(html`<loopback-demo></loopback-demo>`);
    const captured: MediaStream[] = [];
    const original = navigator.mediaDevices.getUserMedia;
    navigator.mediaDevices.getUserMedia = async (c) => {
      const s = await original.call(navigator.mediaDevices, c);
      captured.push(s);
      return s;
    };
    try {
      const starting = el.start();
      expect(el.state).to.equal("starting");
      await el.hangUp();
      await starting;
    } finally {
      navigator.mediaDevices.getUserMedia = original;
    }
    expect(el.state).to.equal("hung-up");
    expect(captured.length).to.equal(1);
    expect(captured[0]!.getTracks().every((t) => t.readyState === "ended")).to.equal(true);
    expect(video(el, "local").srcObject).to.equal(null);
  });

  it("starts the camera by itself with autostart", async () => {
    const el = await fixture<LoopbackDemo>(html`<loopback-demo autostart></loopback-demo>`);
    await until(() => el.state === "started", "started");
    await el.updateComplete;
    const local = video(el, "local").srcObject as MediaStream;
    expect(local.getTracks().map((t) => t.readyState)).to.deep.equal(["live", "live"]);
    await el.hangUp();
    expect(local.getTracks().every((t) => t.readyState === "ended")).to.equal(true);
  });

  it("passes ice-transport-policy to both connections", async () => {
    const el = await fixture<LoopbackDemo>(html`<loopback-demo ice-transport-policy="relay"></loopback-demo>`);
    expect(el.iceTransportPolicy).to.equal("relay");
    const from = opened.length;
    await el.start();
    await el.call();
    const pcs = opened.slice(from);
    expect(pcs.map((pc) => pc.getConfiguration().iceTransportPolicy)).to.deep.equal(["relay", "relay"]);
    // With no TURN server configured, relay-only gathering finds nothing to offer.
    await until(() => pcs[0]!.iceGatheringState === "complete", "gathering complete");
    expect(pcs[0]!.localDescription!.sdp).to.not.match(/^a=candidate:/m);
    expect(el.state).to.not.equal("connected");
    await el.hangUp();
    closed(pcs);
  });

  it("turns a refused camera into a clear message and a media-error event", async () => {
    const el = await fixture<LoopbackDemo>(html`<loopback-demo></loopback-demo>`);
    await withRefusal("NotAllowedError", async () => {
      const event = oneEvent(el, "media-error");
      await el.start();
      const { detail, bubbles, composed } = await event;
      expect([bubbles, composed]).to.deep.equal([true, true]);
      expect(detail.reason).to.equal("permission-denied");
      expect(detail.message).to.equal(MEDIA_ERROR_TEXT["permission-denied"]);
    });
    expect(el.state).to.equal("error");
    expect(el.mediaError).to.equal("permission-denied");
    expect(el.getAttribute("media-error")).to.equal("permission-denied");
    await el.updateComplete;
    // The verdict says what went wrong, in the live region.
    expect(q(el, "[part~='verdict']").textContent).to.equal(MEDIA_ERROR_TEXT["permission-denied"]);
    expect(q(el, "[part~='verdict']").classList.contains("error")).to.equal(true);
    expect(q(el, ".state").textContent).to.equal("State: error");
    expect(enabled(el)).to.deep.equal([true, false, false]);

    // Allowed the next time: the message goes away.
    await el.start();
    expect(el.state).to.equal("started");
    await el.updateComplete;
    expect(q(el, ".error")).to.equal(null);
    expect(q(el, "[part~='verdict']").textContent).to.contain("Press Call");
    await el.hangUp();
  });

  const reasons: [string, MediaErrorReason][] = [
    ["NotFoundError", "no-device"],
    ["NotReadableError", "device-in-use"],
    ["OverconstrainedError", "constraints"],
    ["TypeError", "unknown"],
  ];
  for (const [name, reason] of reasons) {
    it(`reports ${name} from getUserMedia as ${reason}`, async () => {
      const el = await fixture<LoopbackDemo>(html`<loopback-demo></loopback-demo>`);
      await withRefusal(name, async () => {
        const event = oneEvent(el, "media-error");
        await el.start();
        expect((await event).detail.reason).to.equal(reason);
      });
      await el.updateComplete;
      expect(q(el, ".error").textContent).to.equal(MEDIA_ERROR_TEXT[reason]);
    });
  }

  it("takes its colours and sizes from custom properties", async () => {
    const el = await fixture<LoopbackDemo>(
      html`<loopback-demo style="--rc-radius: 3px; --rc-video-background: rgb(1, 2, 3); --rc-accent: rgb(4, 5, 6)"></loopback-demo>`,
    );
    const style = getComputedStyle(video(el, "local"));
    expect(style.borderTopLeftRadius).to.equal("3px");
    expect(style.backgroundColor).to.equal("rgb(1, 2, 3)");
    expect(getComputedStyle(buttons(el)[0]!).backgroundColor).to.equal("rgb(4, 5, 6)");
  });
});

describe("mediaErrorReason", () => {
  it("maps a real OverconstrainedError from Chromium to constraints", async () => {
    const err = await navigator.mediaDevices.getUserMedia({ video: { width: { exact: 123_456 } } }).then(
      (s) => {
        s.getTracks().forEach((t) => t.stop());
        return null;
      },
      (e: unknown) => e,
    );
    expect(err).to.not.equal(null);
    expect(mediaErrorReason(err)).to.equal("constraints");
  });

  it("maps anything that is not a known DOMException to unknown", () => {
    for (const thing of [new Error("x"), "NotAllowedError", null, undefined, { name: "NotFoundError" }]) {
      expect(mediaErrorReason(thing)).to.equal("unknown");
    }
  });
});
