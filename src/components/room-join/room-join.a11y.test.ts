/** `<room-join>` with a screen reader: axe in both schemes, empty, invalid and valid, with the room's occupancy, full. */
import { expect, fixture, html } from "@open-wc/testing";
import { accessibleInBothSchemes } from "../shared/a11y-helpers.ts";
import { until } from "../shared/test-helpers.ts";
import "./room-join.ts";
import type { RoomJoin } from "./room-join.ts";

const type = async (el: RoomJoin, text: string) => {
  const input = el.shadowRoot!.querySelector("input")!;
  input.value = text;
  input.dispatchEvent(new Event("input"));
  await el.updateComplete;
};

const part = (el: RoomJoin, name: string) => el.shadowRoot!.querySelector(`[part~="${name}"]`) as HTMLElement;
const signaling = (window as unknown as { __SIGNALING_URL__: string }).__SIGNALING_URL__;

/** A bare signaling socket seated in `room`. */
async function seat(room: string): Promise<WebSocket> {
  const ws = new WebSocket(signaling);
  await new Promise((r) => ws.addEventListener("open", r, { once: true }));
  ws.send(JSON.stringify({ type: "join", room }));
  await new Promise((r) => ws.addEventListener("message", r, { once: true }));
  return ws;
}

describe("<room-join> accessibility", () => {
  it("passes axe, light and dark, empty, with an error and with a valid name", async () => {
    const el = await fixture<RoomJoin>(html`<room-join></room-join>`);
    await accessibleInBothSchemes(el, "empty");
    await type(el, "not valid!");
    await accessibleInBothSchemes(el, "invalid");
    await type(el, "standup");
    await accessibleInBothSchemes(el, "valid");
  });

  it("passes axe with the room's occupancy shown, and with the room full and a refused submit", async () => {
    const origin = signaling.replace(/^ws/, "http").replace(/\/ws$/, "");
    const room = `a11y-occ-${Math.random().toString(36).slice(2, 8)}`;
    const el = await fixture<RoomJoin>(html`<room-join base-url=${origin}></room-join>`);
    await type(el, room);
    await until(() => part(el, "occupancy").textContent!.includes("Nobody here yet"), "occupancy");
    await accessibleInBothSchemes(el, "occupancy shown");
    const sockets = [await seat(room), await seat(room)];
    try {
      await type(el, room + "x");
      await type(el, room);
      await until(() => part(el, "occupancy").textContent!.includes("Full"), "full");
      await el.updateComplete;
      expect(part(el, "button").getAttribute("aria-disabled")).to.equal("true");
      await accessibleInBothSchemes(el, "full");
      (part(el, "form") as HTMLFormElement).dispatchEvent(new SubmitEvent("submit", { cancelable: true }));
      await el.updateComplete;
      expect(part(el, "error").textContent).to.contain("full");
      await accessibleInBothSchemes(el, "full, submit refused");
    } finally {
      for (const ws of sockets) ws.close();
    }
  });
});
