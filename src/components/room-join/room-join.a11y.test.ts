/** `<room-join>` with a screen reader: axe in both schemes, empty, invalid and valid. */
import { fixture, html } from "@open-wc/testing";
import { accessibleInBothSchemes } from "../shared/a11y-helpers.ts";
import "./room-join.ts";
import type { RoomJoin } from "./room-join.ts";

const type = async (el: RoomJoin, text: string) => {
  const input = el.shadowRoot!.querySelector("input")!;
  input.value = text;
  input.dispatchEvent(new Event("input"));
  await el.updateComplete;
};

describe("<room-join> accessibility", () => {
  it("passes axe, light and dark, empty, with an error and with a valid name", async () => {
    const el = await fixture<RoomJoin>(html`<room-join></room-join>`);
    await accessibleInBothSchemes(el, "empty");
    await type(el, "not valid!");
    await accessibleInBothSchemes(el, "invalid");
    await type(el, "standup");
    await accessibleInBothSchemes(el, "valid");
  });
});
