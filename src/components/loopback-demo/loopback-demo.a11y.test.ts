/** `<loopback-demo>` with the keyboard and a screen reader. */
import { expect, fixture, html } from "@open-wc/testing";
import { accessibleInBothSchemes, focused } from "../shared/a11y-helpers.ts";
import { until } from "../shared/test-helpers.ts";
import "./loopback-demo.ts";
import type { LoopbackDemo } from "./loopback-demo.ts";

const part = (el: LoopbackDemo, name: string) => el.shadowRoot!.querySelector(`[part~="${name}"]`) as HTMLElement;

describe("<loopback-demo> accessibility", () => {
  it("announces outcomes only, in plain words; details stay visible but not live; passes axe", async () => {
    const el = await fixture<LoopbackDemo>(html`<loopback-demo></loopback-demo>`);
    await accessibleInBothSchemes(el, "idle");
    const lives = el.shadowRoot!.querySelectorAll("[role=status], [aria-live]");
    expect(lives.length).to.equal(1);
    const verdict = part(el, "verdict");
    expect(lives[0]).to.equal(verdict);
    // The ICE details sit in a disclosure, outside the live region.
    expect(part(el, "status").tagName).to.equal("DETAILS");
    expect(verdict.contains(part(el, "status"))).to.equal(false);
    const said: string[] = [];
    new MutationObserver(() => said.push(verdict.textContent!.trim())).observe(verdict, { childList: true, subtree: true, characterData: true });

    // Start → focus on Call; Call → focus on Hang Up; Hang Up → focus on Start.
    (part(el, "start") as HTMLButtonElement).click();
    await until(() => el.state === "started", "started");
    await until(() => focused() === part(el, "call"), "focus on Call");
    expect(part(el, "level")).to.exist;
    await accessibleInBothSchemes(el, "started");
    (part(el, "call") as HTMLButtonElement).click();
    await until(() => el.setupTimeMs !== null, "first frame");
    await el.updateComplete;
    expect(focused()).to.equal(part(el, "hang-up"));
    expect(verdict.textContent).to.match(/Your camera, microphone and browser work: first picture in \d+ ms\./);
    await accessibleInBothSchemes(el, "connected");
    (part(el, "hang-up") as HTMLButtonElement).click();
    await el.updateComplete;
    await until(() => focused() === part(el, "start"), "focus on Start");
    // One announcement per outcome, none of them ICE terms.
    const distinct = said.filter((t, i) => t !== said[i - 1]);
    expect(distinct.length).to.be.at.most(6);
    expect(distinct.join(" ")).not.to.match(/ICE|pc1|pc2|checking/);
  });

  it("passes axe with the camera refused, and after a hang-up", async () => {
    const el = await fixture<LoopbackDemo>(html`<loopback-demo></loopback-demo>`);
    const original = navigator.mediaDevices.getUserMedia;
    navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException("refused", "NotAllowedError"));
    try {
      await el.start();
    } finally {
      navigator.mediaDevices.getUserMedia = original;
    }
    await el.updateComplete;
    expect(el.state).to.equal("error");
    expect(part(el, "verdict").classList.contains("error")).to.equal(true);
    await accessibleInBothSchemes(el, "camera refused");
    await el.start();
    await el.call();
    await until(() => el.setupTimeMs !== null, "first frame");
    el.hangUp();
    await el.updateComplete;
    expect(el.state).to.equal("hung-up");
    await accessibleInBothSchemes(el, "hung up");
  });
});
