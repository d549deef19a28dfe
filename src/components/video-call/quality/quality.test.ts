/**
 * Connection quality and who is speaking, in real calls between two elements of one page:
 * a clean call is `good` on every tile (and says so in words), the fake microphone's tone
 * makes its tile `speaking` at the other side and a muted microphone does not, and the
 * indicators pass axe.
 */
import { expect } from "@open-wc/testing";
import { accessibleInBothSchemes } from "../../shared/a11y-helpers.ts";
import { callIn, framesDecoded, until } from "../../shared/test-helpers.ts";
import "../video-call.ts";
import type { ActiveSpeakerDetail, ConnectionQualityDetail, VideoCall } from "../video-call.ts";

const FIREFOX = navigator.userAgent.includes("Firefox/");
const uniqueRoom = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 10)}`;


const tile = (el: VideoCall, peer: string | null) =>
  el.shadowRoot!.querySelector<HTMLElement>(peer === null ? "[part~='self-tile']" : `[part~='remote-tile'][data-peer='${peer}']`);

function log<T>(el: VideoCall, type: "connection-quality" | "active-speaker"): T[] {
  const seen: T[] = [];
  el.addEventListener(type, (e) => seen.push((e as CustomEvent<T>).detail));
  return seen;
}

async function pair(prefix: string) {
  const room = uniqueRoom(prefix);
  const a = callIn(room);
  const qa = log<ConnectionQualityDetail>(a, "connection-quality");
  const sa = log<ActiveSpeakerDetail>(a, "active-speaker");
  await until(() => a.state === "waiting", "a waiting");
  const b = callIn(room);
  const qb = log<ConnectionQualityDetail>(b, "connection-quality");
  for (const el of [a, b]) {
    await until(() => el.state === "connected", "connected", 20_000);
    await until(async () => framesDecoded((await el.getStats()).values().next().value) > 0, "decoded frames", 20_000);
  }
  return { a, b, qa, qb, sa };
}

afterEach(() => {
  for (const el of document.querySelectorAll("video-call")) el.remove();
});

describe("<video-call> quality and speaking", () => {
  it("a clean call is good on every tile, in words too, with one event per side and link", async function () {
    this.timeout(60_000);
    const { a, b, qa, qb } = await pair("quality");
    for (const [el, other] of [[a, b], [b, a]] as const) {
      await until(() => tile(el, other.selfId)?.dataset.quality === "good", "the peer's tile good");
      await until(() => tile(el, null)?.dataset.quality === "good", "the self tile good");
      // Told in words and by length, not by colour alone.
      for (const t of [tile(el, other.selfId)!, tile(el, null)!]) {
        const meter = t.querySelector<HTMLMeterElement>("meter[part~='quality']")!;
        expect(meter.getAttribute("aria-label")).to.equal("Connection: good");
        expect(meter.title).to.equal("Connection: good");
        expect(meter.value).to.equal(meter.max);
      }
    }
    // A few more seconds of a clean call: still good, and nothing else was ever said.
    await new Promise((r) => setTimeout(r, 4000));
    for (const [el, other, seen] of [[a, b, qa], [b, a, qb]] as const) {
      expect(tile(el, other.selfId)!.dataset.quality).to.equal("good");
      const fromPeer = seen.filter((d) => d.peer === other.selfId);
      const own = seen.filter((d) => d.peer === el.selfId);
      expect(fromPeer.length, JSON.stringify(seen)).to.equal(1);
      expect(own.length, JSON.stringify(seen)).to.equal(1);
      for (const d of [...fromPeer, ...own]) {
        expect(Object.keys(d).sort()).to.deep.equal(["packetLoss", "peer", "quality", "rtt"]);
        expect(d.quality).to.equal("good");
        expect(d.packetLoss).to.be.within(0, 0.02);
        // Null when the first reading came before an RTCP report had measured a round trip.
        if (d.rtt !== null) expect(d.rtt).to.be.within(0, 300);
      }
    }
  });

  it("the fake microphone's tone makes its tile speaking at the other side; muted, it does not", async function () {
    this.timeout(60_000);
    const { a, b, sa } = await pair("speaking");
    const bAtA = () => tile(a, b.selfId)!;
    await until(() => bAtA().hasAttribute("speaking"), "b speaking at a");
    await until(() => sa.some((d) => d.peer === b.selfId), "b the active speaker at a");
    // This side's own microphone, where the browser reports its level.
    if (!FIREFOX) await until(() => tile(b, null)!.hasAttribute("speaking"), "b's own tile speaking");
    expect(b.toggleMicrophone(false)).to.equal(false);
    await until(() => !bAtA().hasAttribute("speaking"), "b no longer speaking at a", 5000);
    await until(() => sa.at(-1)?.peer === null, "nobody the active speaker at a", 5000);
    // And it stays so: for 3 s, looked at more often than the levels are read.
    for (let i = 0; i < 30; i++) {
      await new Promise((r) => setTimeout(r, 100));
      expect(bAtA().hasAttribute("speaking"), `b speaking at a ${i * 100} ms after the quiet`).to.equal(false);
      expect(tile(b, null)!.hasAttribute("speaking"), "b's own tile while muted").to.equal(false);
    }
    // a's microphone is still heard at b all along.
    expect(tile(b, a.selfId)!.hasAttribute("speaking")).to.equal(true);
    b.toggleMicrophone(true);
    await until(() => bAtA().hasAttribute("speaking"), "b speaking again at a");
  });

  it("passes axe with the indicators and a speaking tile", async function () {
    this.timeout(60_000);
    const { a, b } = await pair("quality-a11y");
    await until(() => tile(a, b.selfId)?.dataset.quality && tile(a, null)?.dataset.quality && tile(a, b.selfId)!.hasAttribute("speaking"), "indicators and speaking");
    await a.updateComplete;
    await accessibleInBothSchemes(a, "connected, with quality and speaking");
  });
});
