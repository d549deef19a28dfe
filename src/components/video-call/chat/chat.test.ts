/** Chat in `<video-call>`: real elements in real calls through the test signaling servers. */
import { expect } from "@open-wc/testing";
import { sendKeys } from "@web/test-runner-commands";
import { accessibleInBothSchemes, focused } from "../../shared/a11y-helpers.ts";
import { URL_PAIR, callIn, until } from "../../shared/test-helpers.ts";
import type { RoomSession } from "../session/room-session.ts";
import "../video-call.ts";
import type { ChatMessageDetail, VideoCall } from "../video-call.ts";

const URL_TRIO = (window as unknown as { __SIGNALING_URL_TRIO__: string }).__SIGNALING_URL_TRIO__;
const uniqueRoom = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 10)}`;
const part = (el: VideoCall, name: string) => el.shadowRoot!.querySelector(`[part~="${name}"]`) as HTMLElement;
/** The element's own session, to send what a modified peer could (the element itself never would). */
const session = (el: VideoCall) => (el as unknown as { session: RoomSession }).session;
const logText = (el: VideoCall) => part(el, "chat-log").textContent!.replace(/\s+/g, " ");


/** Every chat-message detail `el` fires from now on. */
function chatLog(el: VideoCall) {
  const log: ChatMessageDetail[] = [];
  el.addEventListener("chat-message", (e) => log.push(e.detail));
  return log;
}

/** Waits until every element is connected with everyone else and every data channel is open. */
async function connected(...els: VideoCall[]) {
  await until(
    () => els.every((el) => el.state === "connected" && el.peers.length === els.length - 1 && [...session(el).links.values()].every((l) => l.channel.open)),
    "everyone connected with open channels",
    30_000,
  );
  await Promise.all(els.map((el) => el.updateComplete));
}

afterEach(() => {
  for (const el of document.querySelectorAll("video-call")) el.remove();
});

describe("<video-call> chat", () => {
  it("sends both ways with the exact detail, echoes one's own, and shows both in the panel", async () => {
    const room = uniqueRoom("chat");
    const a = callIn(room, { name: "Ada" });
    const b = callIn(room);
    const fromA = chatLog(a);
    const fromB = chatLog(b);
    await connected(a, b);
    const before = Date.now();
    expect(a.sendMessage("  hello there  ")).to.equal(true);
    // One's own message: at once, as "You".
    expect(fromA).to.have.length(1);
    expect(Object.keys(fromA[0]!).sort()).to.deep.equal(["at", "from", "name", "self", "text"]);
    expect(fromA[0]).to.deep.equal({ from: a.selfId, name: "You", text: "hello there", at: fromA[0]!.at, self: true });
    expect(fromA[0]!.at).to.be.within(before, Date.now());
    await until(() => fromB.length === 1, "b receives a's message");
    expect(Object.keys(fromB[0]!).sort()).to.deep.equal(["at", "from", "name", "self", "text"]);
    // Named as a's tile is at b: the name a gave.
    expect(fromB[0]).to.deep.equal({ from: a.selfId, name: "Ada", text: "hello there", at: fromB[0]!.at, self: false });
    expect(fromB[0]!.at).to.be.within(before, Date.now());

    expect(b.sendMessage("hi back")).to.equal(true);
    await until(() => fromA.length === 2, "a receives b's message");
    expect(fromA[1]).to.deep.equal({ from: b.selfId, name: "Guest", text: "hi back", at: fromA[1]!.at, self: false });
    expect(fromB[1]).to.deep.equal({ from: b.selfId, name: "You", text: "hi back", at: fromB[1]!.at, self: true });

    // The panel: closed at first, the Chat button says so and counts the unread.
    const toggle = part(a, "chat-toggle");
    expect(a.chat).to.equal(false);
    expect(a.hasAttribute("chat")).to.equal(false);
    expect(part(a, "chat").hidden).to.equal(true);
    expect(toggle.getAttribute("aria-expanded")).to.equal("false");
    expect(toggle.textContent!.replace(/\s+/g, " ").trim()).to.equal("Chat 1 unread");
    toggle.click();
    await a.updateComplete;
    expect(a.chat).to.equal(true);
    expect(a.hasAttribute("chat")).to.equal(true);
    expect(part(a, "chat").hidden).to.equal(false);
    expect(toggle.getAttribute("aria-expanded")).to.equal("true");
    expect(toggle.textContent!.trim()).to.equal("Chat");
    expect(logText(a)).to.contain("You").and.to.contain("hello there").and.to.contain("Guest").and.to.contain("hi back");
    expect(part(a, "chat-log").getAttribute("role")).to.equal("log");
    expect(part(a, "chat-log").getAttribute("aria-live")).to.equal("polite");
    // The attribute opens it too.
    b.setAttribute("chat", "");
    await b.updateComplete;
    expect(part(b, "chat").hidden).to.equal(false);
    expect(logText(b)).to.contain("Ada").and.to.contain("hello there");

    // The Send button sends what is in the box, and leaves the focus there for the next one.
    const input = part(a, "chat-input") as HTMLInputElement;
    input.value = "by the Send button";
    part(a, "chat-send").click();
    await until(() => fromB.some((m) => m.text === "by the Send button"), "the message sent with the button");
    expect(input.value).to.equal("");
    expect(focused()).to.equal(input);
    expect(fromA).to.have.length(3);

    // Empty (or blank) is not sent; after the call there is no chat.
    expect(a.sendMessage("   ")).to.equal(false);
    a.hangUp();
    expect(a.sendMessage("too late")).to.equal(false);
    expect(fromA).to.have.length(3);
    await a.updateComplete;
    expect(part(a, "chat")).to.equal(null);
    expect(part(a, "chat-toggle")).to.equal(null);
  });

  it("renders an HTML probe as text: no element is made, no script runs", async () => {
    const w = window as unknown as { __xss?: number };
    delete w.__xss;
    const room = uniqueRoom("chat-xss");
    const probe = `<img src=x onerror="window.__xss=1"><script>window.__xss=2</script><b>bold</b>`;
    const a = callIn(room, { name: `<img src=x onerror="window.__xss=3">` });
    const b = callIn(room, { chat: "" });
    const atB = chatLog(b);
    await connected(a, b);
    expect(a.sendMessage(probe)).to.equal(true);
    await until(() => atB.length === 1, "the probe arrives");
    expect(atB[0]!.text).to.equal(probe);
    await b.updateComplete;
    const log = part(b, "chat-log");
    expect(log.querySelectorAll("img, script, b:not(:has(bdi))").length).to.equal(0);
    expect(log.textContent).to.contain(probe);
    expect(log.textContent).to.contain(`<img src=x onerror="window.__xss=3">`);
    // An image that failed to load would have run its handler by now; so would a script.
    await new Promise((r) => requestAnimationFrame(r));
    expect(w.__xss).to.equal(undefined);
  });

  it("refuses a message over 2000 characters, and drops one from a peer", async () => {
    const room = uniqueRoom("chat-long");
    const a = callIn(room, { chat: "" });
    const b = callIn(room);
    const atA = chatLog(a);
    const atB = chatLog(b);
    await connected(a, b);
    expect(a.sendMessage("x".repeat(2001))).to.equal(false);
    await a.updateComplete;
    expect(part(a, "chat-notice").textContent).to.contain("2000 characters");
    expect(part(a, "chat-notice").getAttribute("role")).to.equal("status");
    expect((part(a, "chat-input") as HTMLInputElement).maxLength).to.equal(2000);
    expect(atA).to.have.length(0);
    expect(a.sendMessage("y".repeat(2000))).to.equal(true);
    await a.updateComplete;
    expect(part(a, "chat-notice").textContent).to.equal("");
    await until(() => atB.length === 1, "the 2000-character message arrives");
    expect(atB[0]!.text).to.equal("y".repeat(2000));
    // A modified peer sends one too long, then one that is fine: only the second shows (the channel keeps order).
    session(b).tellAll({ type: "chat", text: "z".repeat(2001) });
    session(b).tellAll({ type: "chat", text: "after" });
    await until(() => atA.length === 2, "the message after the long one");
    expect(atA[1]!.text).to.equal("after");
    expect(logText(a)).not.to.contain("zzz");
  });

  it("limits the sender: 10 at once, then a clear refusal", async () => {
    const room = uniqueRoom("chat-send-limit");
    const a = callIn(room, { chat: "" });
    const b = callIn(room);
    const atB = chatLog(b);
    await connected(a, b);
    const sent = Array.from({ length: 12 }, (_, i) => a.sendMessage(`burst ${i}`));
    expect(sent).to.deep.equal([...Array(10).fill(true), false, false]);
    await a.updateComplete;
    expect(part(a, "chat-notice").textContent).to.contain("Too many at once");
    await until(() => atB.length === 10, "the ten sent arrive");
    // The limit refills: a moment later a message goes again.
    await until(() => a.sendMessage("later"), "sending again", 5000);
    await until(() => atB.length === 11 && atB[10]!.text === "later", "the later message arrives");
  });

  it("drops a flood from one peer and says so, while the others' messages still arrive", async function () {
    // Up to 30 s to connect the three, and up to 30 s for the flood to arrive.
    this.timeout(70_000);
    const room = uniqueRoom("chat-flood");
    // Without cameras: chat needs none, and six video streams encoded and decoded in one page
    // are what starves a busy machine (there the flood once took over 10 s to arrive).
    const a = callIn(room, { chat: "", video: "off" }, URL_TRIO);
    const b = callIn(room, { video: "off" }, URL_TRIO);
    const c = callIn(room, { video: "off" }, URL_TRIO);
    const atA = chatLog(a);
    await connected(a, b, c);
    // b floods past its own element's limit, as a modified peer could.
    const start = performance.now();
    for (let i = 0; i < 300; i++) session(b).tell(a.selfId!, { type: "chat", text: `flood ${i}` });
    // Then a last one, again and again until the limit lets it through: by then a has read the whole
    // flood (seconds on a starved machine: once 59 were taken, about 8 s).
    const flood = () => atA.filter((m) => /^flood \d+$/.test(m.text));
    try {
      await until(() => {
        session(b).tell(a.selfId!, { type: "chat", text: "flood over" });
        return atA.some((m) => m.text === "flood over");
      }, "a message from b after the flood", 30_000);
    } catch (err) {
      const channel = (el: VideoCall, peer: VideoCall) => session(el).links.get(peer.selfId!)?.channel.open;
      throw new Error(`${(err as Error).message}: a took ${flood().length} of the flood; channel a-b open at a ${channel(a, b)}, at b ${channel(b, a)}`);
    }
    // a takes a burst of 20 from a peer, then 5 a second: how many got through depends on
    // how long the flood took to arrive (longer on a busy machine), never on its size.
    const seconds = (performance.now() - start) / 1000;
    expect(flood().length).to.be.at.least(20);
    expect(flood().length).to.be.at.most(20 + Math.ceil(5 * seconds) + 1);
    expect(flood().every((m) => m.from === b.selfId)).to.equal(true);
    await a.updateComplete;
    const notes = [...part(a, "chat-log").querySelectorAll(".note")].map((n) => n.textContent);
    expect(notes.length).to.equal(1);
    expect(notes[0]).to.contain("too many at once");
    // The panel holds what was taken (the flood's share, "flood over", the note), not the flood.
    expect(part(a, "chat-log").children.length).to.be.at.most(atA.length + 1);
    // c is not held back by b's flood.
    expect(c.sendMessage("c is here")).to.equal(true);
    await until(() => atA.some((m) => m.text === "c is here" && m.from === c.selfId), "c's message at a");
  });

  it("keeps the panel to the last 200 lines", async () => {
    const room = uniqueRoom("chat-cap");
    const a = callIn(room, { chat: "" });
    await until(() => a.state === "waiting", "a waiting");
    // Alone in the call: one's own messages still show (nobody else gets them). Time runs
    // fast here, a fifth of a second a message, so the sender's limit lets every one go.
    const own = chatLog(a);
    const now = performance.now;
    let skew = 0;
    performance.now = () => now.call(performance) + skew;
    const n = 205;
    try {
      for (let i = 0; i < n; i++) {
        skew += 200;
        expect(a.sendMessage(`line ${i}`), `line ${i}`).to.equal(true);
      }
    } finally {
      performance.now = now;
    }
    expect(own).to.have.length(n);
    await a.updateComplete;
    const lines = part(a, "chat-log").querySelectorAll("p");
    expect(lines.length).to.equal(200);
    expect(lines[199]!.textContent).to.contain(`line ${n - 1}`);
    expect(lines[0]!.textContent).to.contain(`line ${n - 200}`);
  });

  it("delivers what is sent before the connection is up, once it is, on both sides", async () => {
    const room = uniqueRoom("chat-early");
    const a = callIn(room);
    await until(() => a.state === "waiting", "a waiting");
    const atA = chatLog(a);
    const queuedAtA: boolean[] = [];
    a.addEventListener("peer-joined", (e) => {
      // Right away: the link to the newcomer exists, its channel is not open yet.
      queuedAtA.push(session(a).links.get(e.detail.peer)?.channel.open === false);
      queuedAtA.push(a.sendMessage("sent at peer-joined"));
    });
    const b = document.createElement("video-call");
    const atB = chatLog(b);
    const queuedAtB: boolean[] = [];
    // The newcomer, as soon as it has a seat: its camera is still starting, and there is no link to a yet.
    b.addEventListener("joined", () => {
      queuedAtB.push(b.state === "starting" && !session(b).links.has(a.selfId!));
      queuedAtB.push(b.sendMessage("sent before any connection"));
    });
    b.setAttribute("signaling-url", URL_PAIR);
    b.setAttribute("room", room);
    document.body.append(b);
    await until(() => atB.some((m) => !m.self), "b receives a's early message", 20_000);
    await until(() => atA.some((m) => !m.self), "a receives b's early message", 20_000);
    expect(queuedAtA).to.deep.equal([true, true]);
    expect(queuedAtB).to.deep.equal([true, true]);
    expect(atB.find((m) => !m.self)).to.include({ from: a.selfId, text: "sent at peer-joined" });
    expect(atA.find((m) => !m.self)).to.include({ from: b.selfId, text: "sent before any connection" });
  });

  it("reaches both others in a call of three; a newcomer does not get the history", async () => {
    const room = uniqueRoom("chat-three");
    const a = callIn(room, {}, URL_TRIO);
    const b = callIn(room, {}, URL_TRIO);
    const logs = { a: chatLog(a), b: chatLog(b) };
    await connected(a, b);
    expect(a.sendMessage("before c")).to.equal(true);
    await until(() => logs.b.length === 1, "b gets it");
    const c = callIn(room, { chat: "" }, URL_TRIO);
    const atC = chatLog(c);
    await connected(a, b, c);
    expect(a.sendMessage("to both")).to.equal(true);
    await until(() => logs.b.length === 2 && atC.length === 1, "b and c get a's message");
    expect(logs.b[1]).to.include({ from: a.selfId, text: "to both", self: false });
    expect(atC[0]).to.include({ from: a.selfId, text: "to both", self: false });
    expect(c.sendMessage("from c")).to.equal(true);
    await until(() => logs.a.length === 3 && logs.b.length === 3, "a and b get c's message");
    expect(logs.a[2]).to.include({ from: c.selfId, text: "from c" });
    expect(logs.b[2]).to.include({ from: c.selfId, text: "from c" });
    // Two guests: numbered as on their tiles.
    expect(logs.a[2]!.name).to.match(/^Guest \d$/);
    await c.updateComplete;
    expect(logText(c)).not.to.contain("before c");
  });

  it("works with the keyboard alone", async () => {
    const room = uniqueRoom("chat-keys");
    const a = callIn(room);
    const b = callIn(room);
    const atB = chatLog(b);
    await connected(a, b);
    (document.activeElement as HTMLElement | null)?.blur();
    const toggle = part(a, "chat-toggle");
    for (let i = 0; i < 12 && focused() !== toggle; i++) await sendKeys({ press: "Tab" });
    expect(focused()).to.equal(toggle);
    await sendKeys({ press: "Enter" });
    await until(() => a.chat && focused() === part(a, "chat-input"), "the panel open, focus in the message box");
    expect(toggle.getAttribute("aria-expanded")).to.equal("true");
    await sendKeys({ type: "typed with keys" });
    await sendKeys({ press: "Enter" });
    await until(() => atB.some((m) => m.text === "typed with keys"), "b receives it");
    expect((part(a, "chat-input") as HTMLInputElement).value).to.equal("");
    expect(focused()).to.equal(part(a, "chat-input"));
    await a.updateComplete;
    expect(logText(a)).to.contain("typed with keys");
    await sendKeys({ press: "Escape" });
    await until(() => !a.chat && focused() === toggle, "closed, focus back on the Chat button");
    expect(part(a, "chat").hidden).to.equal(true);
    expect(toggle.getAttribute("aria-expanded")).to.equal("false");
    // While closed, the button's name counts what came.
    b.sendMessage("one");
    b.sendMessage("two");
    await until(() => toggle.textContent!.replace(/\s+/g, " ").trim() === "Chat 2 unread", "2 unread in the button's name");
    await sendKeys({ press: "Enter" });
    await until(() => a.chat && toggle.textContent!.trim() === "Chat", "opened again, nothing unread");
    expect(logText(a)).to.contain("two");
  });

  it("passes axe with the panel open, empty and with messages and a refusal, and closed with unread", async () => {
    const room = uniqueRoom("chat-a11y");
    const a = callIn(room, { chat: "", name: "Ada" });
    const b = callIn(room);
    const atA = chatLog(a);
    await connected(a, b);
    await accessibleInBothSchemes(a, "chat open, empty");
    a.sendMessage("Hello");
    b.sendMessage("Hello, Ada");
    b.sendMessage("x".repeat(300));
    await until(() => atA.length === 3, "messages at a");
    expect(a.sendMessage("x".repeat(2001))).to.equal(false);
    await a.updateComplete;
    await accessibleInBothSchemes(a, "chat with messages and a refusal");
    b.chat = false;
    await b.updateComplete;
    expect(part(b, "chat-toggle").textContent).to.contain("unread");
    await accessibleInBothSchemes(b, "chat closed, with unread");
  });
});
