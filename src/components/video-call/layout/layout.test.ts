/**
 * The layouts of `<video-call>` with real calls: alone, one to one (the other fills the
 * element, this side a small overlay), a grid of three, all following the element's width
 * (a container query) in a window wider than it; and axe in each.
 */
import { expect } from "@open-wc/testing";
import { setViewport } from "@web/test-runner-commands";
import { accessibleInBothSchemes } from "../../shared/a11y-helpers.ts";
import { framesDecoded, until } from "../../shared/test-helpers.ts";
import "../video-call.ts";
import type { VideoCall } from "../video-call.ts";

const URL_PAIR = (window as unknown as { __SIGNALING_URL__: string }).__SIGNALING_URL__;
const URL_TRIO = (window as unknown as { __SIGNALING_URL_TRIO__: string }).__SIGNALING_URL_TRIO__;
const uniqueRoom = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 10)}`;
const part = (el: VideoCall, name: string) => el.shadowRoot!.querySelector(`[part~="${name}"]`) as HTMLElement;
const tiles = (el: VideoCall) => [...el.shadowRoot!.querySelectorAll<HTMLElement>("[part~=tile]")];
const box = (e: Element) => e.getBoundingClientRect();

/** A `<video-call>` in a container `width` px wide. */
function callIn(room: string, url: string, width: number, style = ""): VideoCall {
  const container = document.createElement("div");
  container.style.width = `${width}px`;
  document.body.append(container);
  const el = document.createElement("video-call");
  el.setAttribute("signaling-url", url);
  if (style) el.setAttribute("style", style);
  el.setAttribute("room", room);
  container.append(el);
  return el;
}

/** Connected, decoding video from `n` peers, with their tiles on screen. */
async function decodingFrom(el: VideoCall, n: number) {
  await until(() => el.state === "connected", "connected", 20_000);
  await until(async () => {
    const stats = await el.getStats();
    return stats.size === n && [...stats.values()].every((r) => framesDecoded(r) > 0);
  }, "decoded frames", 20_000);
  await until(() => el.shadowRoot!.querySelectorAll("[part~=remote-tile]").length === n, `${n} remote tiles`);
  await el.updateComplete;
}

/** Nothing sticks out sideways, and every button is a tap target of 44 px or more. */
function fitsAndTappable(el: VideoCall) {
  expect(el.scrollWidth, "no horizontal overflow").to.be.at.most(el.clientWidth);
  const outer = box(el);
  for (const b of el.shadowRoot!.querySelectorAll("button")) {
    // A button of a closed panel is not there to tap.
    if (b.getClientRects().length === 0) continue;
    const r = box(b);
    expect(r.height, `${b.textContent} height`).to.be.at.least(44);
    expect(r.width, `${b.textContent} width`).to.be.at.least(44);
    expect(r.right, `${b.textContent} inside`).to.be.at.most(outer.right + 0.5);
  }
}

/** The tiles' rows: how many tiles start at each distinct top. */
function rows(el: VideoCall): number[] {
  const tops = new Map<number, number>();
  for (const t of tiles(el)) {
    const top = Math.round(box(t).top);
    tops.set(top, (tops.get(top) ?? 0) + 1);
  }
  return [...tops.entries()].sort((a, b) => a[0] - b[0]).map(([, n]) => n);
}

before(async () => {
  // A window wider than every container below: whatever changes with the container's width
  // comes from a container query, not a media query.
  await setViewport({ width: 1200, height: 900 });
});

afterEach(() => {
  for (const el of document.querySelectorAll("video-call")) el.parentElement!.remove();
});

describe("<video-call> layout", () => {
  it("on a 360 px phone: alone, your picture is large; one to one, the other fills it and you float small in a corner", async () => {
    expect(window.innerWidth).to.be.above(1000);
    const room = uniqueRoom("layout-pair");
    const a = callIn(room, URL_PAIR, 360);
    await until(() => a.state === "waiting", "waiting");
    await a.updateComplete;
    expect(a.getAttribute("layout")).to.equal("solo");
    const videos = part(a, "videos");
    expect(box(part(a, "self-tile")).width).to.be.closeTo(box(videos).width, 1);
    expect(box(videos).width).to.be.closeTo(360, 1);
    fitsAndTappable(a);
    await accessibleInBothSchemes(a, "waiting, 360 px");

    const b = callIn(room, URL_PAIR, 360);
    await decodingFrom(a, 1);
    await until(() => a.getAttribute("layout") === "pair", "pair layout");
    const v = box(videos);
    const remote = box(part(a, "remote-tile"));
    const self = box(part(a, "self-tile"));
    const outer = box(a);
    // The other person fills the width of the videos.
    expect(remote.width).to.be.closeTo(v.width, 1);
    expect(remote.left).to.be.closeTo(v.left, 1);
    // This side: smaller than a third, over the other's picture, inside the element.
    expect(self.width).to.be.below(v.width / 3);
    expect(self.left).to.be.at.least(remote.left);
    expect(self.right).to.be.at.most(remote.right);
    expect(self.top).to.be.at.least(remote.top);
    expect(self.bottom).to.be.at.most(remote.bottom);
    expect(self.right).to.be.at.most(outer.right);
    expect(self.bottom).to.be.at.most(outer.bottom);
    // In the top right corner, drawn above the other's video, off the controls.
    expect(self.right).to.be.above(remote.left + remote.width * 0.66);
    expect(self.top).to.be.below(remote.top + remote.height / 3);
    const hit = a.shadowRoot!.elementFromPoint(self.left + self.width / 2, self.top + self.height / 2);
    expect(hit?.closest("[part~=tile]")).to.equal(part(a, "self-tile"));
    expect(box(part(a, "controls")).top).to.be.at.least(self.bottom);
    fitsAndTappable(a);
    await accessibleInBothSchemes(a, "one to one, 360 px");
    // The chat's panel open too.
    a.chat = true;
    await a.updateComplete;
    fitsAndTappable(a);
    a.chat = false;
    await a.updateComplete;

    // The overlay's width, and how tall the other's picture may get, are the embedder's to choose.
    b.style.setProperty("--rc-self-view-width", "100px");
    b.style.setProperty("--rc-video-max-height", "150px");
    await until(() => Math.round(box(part(b, "self-tile")).width) === 100, "--rc-self-view-width");
    const capped = box(part(b, "remote-video"));
    expect(capped.height).to.be.closeTo(150, 1);
    expect(capped.width).to.be.closeTo(360, 1);
    expect(getComputedStyle(part(b, "remote-video")).objectFit).to.equal("contain");

    // The other leaves: alone again, large again.
    b.hangUp();
    await until(() => a.getAttribute("layout") === "solo", "solo again");
    await a.updateComplete;
    expect(box(part(a, "self-tile")).width).to.be.closeTo(box(videos).width, 1);
  });

  it("three people: a grid with everyone in it, by the element's width (800 px: one row; 360 px in the same window: two columns)", async () => {
    const room = uniqueRoom("layout-grid");
    const a = callIn(room, URL_TRIO, 800);
    const b = callIn(room, URL_TRIO, 800);
    const c = callIn(room, URL_TRIO, 800);
    for (const el of [a, b, c]) await decodingFrom(el, 2);
    await until(() => a.getAttribute("layout") === "grid", "grid layout");
    await a.updateComplete;
    expect(getComputedStyle(part(a, "self-tile")).position).to.equal("relative");
    // Wide: all three side by side, of one size.
    expect(rows(a)).to.deep.equal([3]);
    const widths = tiles(a).map((t) => box(t).width);
    for (const w of widths) expect(w).to.be.closeTo(widths[0]!, 1);
    fitsAndTappable(a);
    await accessibleInBothSchemes(a, "grid of three, 800 px");

    // The same element, narrowed in the same wide window: two columns.
    const wide = window.innerWidth;
    a.parentElement!.style.width = "360px";
    await until(() => rows(a).join() === "2,1", "two columns at 360 px");
    expect(window.innerWidth).to.equal(wide);
    const [first, second] = tiles(a).map(box);
    expect(first!.width + second!.width).to.be.at.most(360);
    fitsAndTappable(a);
    await accessibleInBothSchemes(a, "grid of three, 360 px");

    // Back to one to one when someone leaves.
    c.hangUp();
    await until(() => a.getAttribute("layout") === "pair" && b.getAttribute("layout") === "pair", "pair again");
    await a.updateComplete;
    expect(getComputedStyle(part(a, "self-tile")).position).to.equal("absolute");
    expect(box(part(a, "remote-tile")).width).to.be.closeTo(360, 1);
  });
});
