/** `<video-call>` with the keyboard and a screen reader: axe in each main state, in both schemes, and focus. */
import { expect } from "@open-wc/testing";
import { accessibleInBothSchemes, focused } from "../shared/a11y-helpers.ts";
import { callIn, until } from "../shared/test-helpers.ts";
import "./video-call.ts";
import type { VideoCall } from "./video-call.ts";

const uniqueRoom = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 10)}`;
const part = (el: VideoCall, name: string) => el.shadowRoot!.querySelector(`[part~="${name}"]`) as HTMLElement;


afterEach(() => {
  for (const el of document.querySelectorAll("video-call")) el.remove();
});

describe("<video-call> accessibility", () => {
  it("passes axe, light and dark, waiting, connected, full and hung up", async () => {
    const room = uniqueRoom("a11y");
    const a = callIn(room);
    await until(() => a.state === "waiting", "waiting");
    await a.updateComplete;
    await accessibleInBothSchemes(a, "waiting");
    const b = callIn(room);
    await until(() => a.state === "connected" && b.state === "connected", "connected", 20_000);
    await a.updateComplete;
    await accessibleInBothSchemes(a, "connected");
    const c = callIn(room);
    await until(() => c.state === "full", "full");
    await c.updateComplete;
    await accessibleInBothSchemes(c, "full");
    b.hangUp();
    await b.updateComplete;
    await accessibleInBothSchemes(b, "hung up");
  });

  it("with the camera refused: says what is missing, offers to try again, passes axe", async () => {
    const original = navigator.mediaDevices.getUserMedia;
    navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException("denied", "NotAllowedError"));
    try {
      const el = callIn(uniqueRoom("a11y-denied"));
      await until(() => el.state === "waiting", "waiting without media");
      await el.updateComplete;
      // Disabled buttons that say there is nothing, not pressed toggles; a caption that does not say "muted".
      expect(part(el, "microphone").textContent!.trim()).to.equal("No microphone");
      expect(part(el, "camera").textContent!.trim()).to.equal("No camera");
      expect(part(el, "microphone").hasAttribute("aria-pressed")).to.equal(false);
      const caption = part(el, "self-tile").querySelector("figcaption")!.textContent!;
      expect(caption).to.contain("no microphone");
      expect(caption).not.to.contain("muted");
      // The notice is announced, and has its way out.
      expect(part(el, "notice").closest("[role=status]")).to.exist;
      expect(part(el, "retry-media").textContent).to.contain("Try camera and microphone again");
      await accessibleInBothSchemes(el, "camera refused");
      navigator.mediaDevices.getUserMedia = original;
      expect(await el.retryMedia()).to.equal(true);
      await el.updateComplete;
      expect(el.localStream!.getTracks().length).to.equal(2);
      expect(part(el, "microphone").textContent!.trim()).to.equal("Mute");
      expect(part(el, "retry-media")).to.equal(null);
    } finally {
      navigator.mediaDevices.getUserMedia = original;
    }
  });

  it("keeps the focus on the control that replaces the one pressed", async () => {
    const el = callIn(uniqueRoom("a11y-focus"));
    await until(() => el.state === "waiting", "waiting");
    await el.updateComplete;
    const hangUp = part(el, "hang-up") as HTMLButtonElement;
    hangUp.focus();
    hangUp.click();
    await el.updateComplete;
    expect(el.state).to.equal("hung-up");
    // Not lost to the page body: on the button that took Hang Up's place.
    expect(focused()).to.equal(part(el, "join"));
    expect(focused()!.textContent!.trim()).to.equal("Join again");
    // No dead end: one way back in, and nothing disabled left over.
    expect(el.shadowRoot!.querySelectorAll("button").length).to.equal(1);
    expect(part(el, "videos").hidden).to.equal(true);
    (focused() as HTMLButtonElement).click();
    await until(() => el.state === "waiting", "waiting again");
    await el.updateComplete;
    expect(focused()).to.equal(part(el, "hang-up"));
    expect(focused()!.textContent!.trim()).to.equal("Hang Up");
  });

  it("passes axe with a refused room name (an error in the state line)", async () => {
    const el = callIn("not valid!");
    await until(() => el.state === "invalid-room", "invalid-room");
    await el.updateComplete;
    expect(part(el, "state").classList.contains("error")).to.equal(true);
    await accessibleInBothSchemes(el, "invalid room");
  });
});
