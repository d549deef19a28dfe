import { expect, fixture, html, oneEvent } from "@open-wc/testing";
import { framesDecoded, playing, until } from "../shared/test-helpers.ts";
import "./loopback-demo.ts";
import type { LoopbackDemo } from "./loopback-demo.ts";

const q = <T extends Element>(el: LoopbackDemo, sel: string) => el.shadowRoot!.querySelector(sel) as T;
const video = (el: LoopbackDemo, which: "local" | "remote") => q<HTMLVideoElement>(el, `video.${which}`);

describe("<loopback-demo>", () => {
  it("renders its parts, with only Start enabled", async () => {
    const el = await fixture<LoopbackDemo>(html`<loopback-demo></loopback-demo>`);
    for (const p of ["videos", "local-video", "remote-video", "controls", "button", "status"]) {
      expect(q(el, `[part~="${p}"]`), p).to.exist;
    }
    const buttons = [...el.shadowRoot!.querySelectorAll("button")];
    expect(buttons.map((b) => b.textContent!.trim())).to.deep.equal(["Start", "Call", "Hang Up"]);
    expect(buttons.map((b) => b.disabled)).to.deep.equal([false, true, true]);
    const local = video(el, "local");
    expect(local.muted).to.equal(true);
    expect(local.hasAttribute("playsinline")).to.equal(true);
    expect(el.state).to.equal("idle");
  });

  it("calls itself: decoded remote frames, a measured set-up time, then a clean hang-up", async () => {
    const el = await fixture<LoopbackDemo>(html`<loopback-demo></loopback-demo>`);
    const states: string[] = [];
    el.addEventListener("loopback-state", (e) => states.push(e.detail.state));
    await el.start();
    const local = video(el, "local").srcObject as MediaStream;
    expect(local.getVideoTracks()[0]!.readyState).to.equal("live");
    expect(local.getAudioTracks()[0]!.readyState).to.equal("live");

    const frame = oneEvent(el, "first-frame");
    await el.call();
    const { detail } = await frame;
    expect(detail.ms).to.be.greaterThan(0);
    expect(el.setupTimeMs).to.equal(detail.ms);
    await until(() => el.state === "connected", "connected");
    await until(async () => framesDecoded(await el.getStats()) > 0, "decoded frames");
    expect(await playing(video(el, "remote"))).to.equal(true);
    await el.updateComplete;
    expect(q(el, "dd.pc1").textContent).to.match(/(connected|completed) \/ connected/);
    expect(q(el, "dd.pc2").textContent).to.match(/(connected|completed) \/ connected/);
    expect(q(el, "dd.setup").textContent).to.equal(`${detail.ms} ms`);

    el.hangUp();
    el.hangUp();
    expect(local.getTracks().every((t) => t.readyState === "ended")).to.equal(true);
    expect(video(el, "local").srcObject).to.equal(null);
    expect(video(el, "remote").srcObject).to.equal(null);
    expect(await el.getStats()).to.equal(null);
    expect(states).to.deep.equal(["starting", "started", "calling", "connected", "hung-up"]);
  });

  it("releases the camera and both connections when removed mid-call", async () => {
    const el = await fixture<LoopbackDemo>(html`<loopback-demo></loopback-demo>`);
    await el.start();
    await el.call();
    await until(() => el.state === "connected", "connected");
    const local = video(el, "local").srcObject as MediaStream;
    const stats = await el.getStats();
    expect(stats).to.not.equal(null);
    el.remove();
    expect(local.getTracks().every((t) => t.readyState === "ended")).to.equal(true);
    expect(await el.getStats()).to.equal(null);
  });

  it("turns a refused camera into a clear message and a media-error event", async () => {
    const el = await fixture<LoopbackDemo>(html`<loopback-demo></loopback-demo>`);
    const original = navigator.mediaDevices.getUserMedia;
    navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException("denied", "NotAllowedError"));
    try {
      const event = oneEvent(el, "media-error");
      await el.start();
      const { detail } = await event;
      expect(detail.reason).to.equal("permission-denied");
      expect(el.state).to.equal("error");
      await el.updateComplete;
      expect(q(el, ".state.error").textContent).to.contain("denied");
      expect(q<HTMLButtonElement>(el, "button.primary").disabled).to.equal(false);
    } finally {
      navigator.mediaDevices.getUserMedia = original;
    }
  });

  it("takes its colours and sizes from custom properties", async () => {
    const el = await fixture<LoopbackDemo>(html`<loopback-demo style="--rc-radius: 3px; --rc-video-background: rgb(1, 2, 3)"></loopback-demo>`);
    const style = getComputedStyle(video(el, "local"));
    expect(style.borderTopLeftRadius).to.equal("3px");
    expect(style.backgroundColor).to.equal("rgb(1, 2, 3)");
  });
});
