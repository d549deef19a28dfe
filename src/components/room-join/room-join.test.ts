import { expect, fixture, html, oneEvent } from "@open-wc/testing";
import "./room-join.ts";
import type { RoomJoin } from "./room-join.ts";
import { until } from "../shared/test-helpers.ts";

/** The real signaling server started by the test runner (HTTP origin). */
const serverOrigin = (): string => {
  const ws = (window as unknown as { __SIGNALING_URL__: string }).__SIGNALING_URL__;
  return ws.replace(/^ws/, "http").replace(/\/ws$/, "");
};

const type = async (el: RoomJoin, text: string) => {
  const input = el.shadowRoot!.querySelector("input")!;
  input.value = text;
  input.dispatchEvent(new Event("input"));
  await el.updateComplete;
};
const part = (el: RoomJoin, name: string) => el.shadowRoot!.querySelector(`[part~="${name}"]`) as HTMLElement;

describe("<room-join>", () => {
  it("renders its parts, and hides the no-JavaScript fallback form", async () => {
    const el = await fixture<RoomJoin>(html`<room-join><form class="fallback"><input name="room" /></form></room-join>`);
    for (const name of ["form", "label", "input", "button", "error", "occupancy"]) expect(part(el, name), name).to.exist;
    expect(el.shadowRoot!.querySelector("slot")).to.equal(null);
    const fallback = el.querySelector(".fallback") as HTMLElement;
    expect(fallback.getBoundingClientRect().height).to.equal(0);
    const form = part(el, "form") as HTMLFormElement;
    expect(form.getAttribute("action")).to.equal("/join");
    expect(form.method).to.equal("get");
  });

  it("validates with the protocol's schema, inline, and fires room-input", async () => {
    const el = await fixture<RoomJoin>(html`<room-join></room-join>`);
    const button = part(el, "button") as HTMLButtonElement;
    setTimeout(() => void type(el, "bad name!"));
    const bad = await oneEvent(el, "room-input");
    await el.updateComplete;
    expect(bad.detail).to.deep.equal({ room: "bad name!", valid: false, error: "Room name may only hold letters, digits, '-' and '_'." });
    expect(part(el, "error").textContent).to.contain("letters, digits");
    expect(part(el, "input").getAttribute("aria-invalid")).to.equal("true");
    await type(el, "x".repeat(65));
    expect(part(el, "error").textContent).to.contain("longer than 64");
    setTimeout(() => void type(el, "good_name-1"));
    const good = await oneEvent(el, "room-input");
    await el.updateComplete;
    expect(good.detail.valid).to.equal(true);
    expect(part(el, "error").textContent).to.equal("");
    // Never disabled: Tab reaches it and Enter works; what is wrong is said on submit.
    expect(button.disabled).to.equal(false);
  });

  it("keeps Join reachable while the field is empty, and says why on submit", async () => {
    const el = await fixture<RoomJoin>(html`<room-join action="/nowhere"></room-join>`);
    const button = part(el, "button") as HTMLButtonElement;
    expect(button.disabled).to.equal(false);
    button.focus();
    expect(el.shadowRoot!.activeElement).to.equal(button);
    const submit = new SubmitEvent("submit", { cancelable: true });
    (part(el, "form") as HTMLFormElement).dispatchEvent(submit);
    expect(submit.defaultPrevented).to.equal(true);
    await el.updateComplete;
    expect(part(el, "error").textContent).to.equal("Enter a room name.");
    // The field gets the focus, and names its error.
    expect(el.shadowRoot!.activeElement).to.equal(part(el, "input"));
    expect(part(el, "input").getAttribute("aria-describedby")).to.equal("error");
    expect(part(el, "error").getAttribute("role")).to.equal("alert");
  });

  it("submits as a plain GET form to the room, after a room-submit", async () => {
    // In a frame of its own, so the real submission can navigate.
    const frame = document.createElement("iframe");
    frame.src = new URL("./room-join.fixture.html", import.meta.url).href;
    const loaded = () => new Promise((r) => frame.addEventListener("load", r, { once: true }));
    const first = loaded();
    document.body.append(frame);
    await first;
    const el = (await until(() => {
      const e = frame.contentDocument?.querySelector("room-join") as RoomJoin | null;
      return e?.shadowRoot?.querySelector("input") ? e : null;
    }, "the element in the frame"))!;
    await type(el, "standup");
    let submitted: string | null = null;
    el.addEventListener("room-submit", (e) => (submitted = (e as CustomEvent<{ room: string }>).detail.room));
    const navigated = loaded();
    (part(el, "form") as HTMLFormElement).requestSubmit();
    await navigated;
    expect(submitted).to.equal("standup");
    const location = frame.contentWindow!.location;
    expect(location.pathname).to.equal("/submitted");
    expect(location.search).to.equal("?room=standup");
    frame.remove();
  });

  it("a cancelled room-submit keeps the form from going", async () => {
    const el = await fixture<RoomJoin>(html`<room-join action="/nowhere"></room-join>`);
    await type(el, "standup");
    el.addEventListener("room-submit", (e) => e.preventDefault());
    const submit = new SubmitEvent("submit", { cancelable: true });
    (part(el, "form") as HTMLFormElement).dispatchEvent(submit);
    expect(submit.defaultPrevented).to.equal(true);
  });

  it("checks a server's narrower rule, given as attributes, without asking it", async () => {
    const el = await fixture<RoomJoin>(html`<room-join room-max-length="16" room-charset="a-z0-9-"></room-join>`);
    expect(part(el, "input").getAttribute("maxlength")).to.equal("16");
    await type(el, "Capitals");
    expect(part(el, "error").textContent).to.contain("only hold these characters: a-z0-9-");
    await type(el, "a".repeat(17));
    expect(part(el, "error").textContent).to.contain("longer than 16");
    await type(el, "fine-name");
    expect(part(el, "error").textContent).to.equal("");
  });

  it("refuses to submit an invalid name", async () => {
    const el = await fixture<RoomJoin>(html`<room-join></room-join>`);
    await type(el, "no/slashes");
    let fired = false;
    el.addEventListener("room-submit", () => (fired = true));
    const form = part(el, "form") as HTMLFormElement;
    const submit = new SubmitEvent("submit", { cancelable: true });
    form.dispatchEvent(submit);
    expect(submit.defaultPrevented).to.equal(true);
    expect(fired).to.equal(false);
  });

  it("shows why a server that narrows room names refuses one", async () => {
    const trio = (window as unknown as { __SIGNALING_URL_TRIO__: string }).__SIGNALING_URL_TRIO__.replace(/^ws/, "http").replace(/\/ws$/, "");
    const el = await fixture<RoomJoin>(html`<room-join base-url=${trio}></room-join>`);
    await type(el, "Capitals");
    for (let i = 0; i < 50 && !part(el, "error").textContent; i++) await new Promise((r) => setTimeout(r, 100));
    expect(part(el, "error").textContent).to.contain("only hold these characters: a-z0-9-");
  });

  it("shows the room's occupancy from the real server's fragment", async () => {
    const origin = serverOrigin();
    const room = `occ-${Math.random().toString(36).slice(2, 8)}`;
    const el = await fixture<RoomJoin>(html`<room-join base-url=${origin}></room-join>`);
    await type(el, room);
    const waitFor = async (text: string) => {
      for (let i = 0; i < 50 && !part(el, "occupancy").textContent!.includes(text); i++) await new Promise((r) => setTimeout(r, 100));
      expect(part(el, "occupancy").textContent).to.contain(text);
    };
    await waitFor("Nobody here yet");
    const ws = new WebSocket(origin.replace(/^http/, "ws") + "/ws");
    await new Promise((r) => ws.addEventListener("open", r, { once: true }));
    ws.send(JSON.stringify({ type: "join", room }));
    await new Promise((r) => ws.addEventListener("message", r, { once: true }));
    await type(el, room + "x");
    await type(el, room);
    await waitFor("1 of 2 here.");
    expect(part(el, "button").getAttribute("aria-disabled")).to.equal("false");
    // Full: Join says so, and a submit is refused with the reason.
    const ws2 = new WebSocket(origin.replace(/^http/, "ws") + "/ws");
    await new Promise((r) => ws2.addEventListener("open", r, { once: true }));
    ws2.send(JSON.stringify({ type: "join", room }));
    await new Promise((r) => ws2.addEventListener("message", r, { once: true }));
    await type(el, room + "x");
    await type(el, room);
    await waitFor("Full: 2 of 2 here.");
    await el.updateComplete;
    expect(part(el, "button").getAttribute("aria-disabled")).to.equal("true");
    const submit = new SubmitEvent("submit", { cancelable: true });
    (part(el, "form") as HTMLFormElement).dispatchEvent(submit);
    expect(submit.defaultPrevented).to.equal(true);
    await el.updateComplete;
    expect(part(el, "error").textContent).to.contain("This room is full right now");
    ws.close();
    ws2.close();
  });
});
