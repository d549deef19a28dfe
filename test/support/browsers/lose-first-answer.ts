/**
 * A fault for a page: the first answer its call sends is lost, with everything after it on
 * that socket, as on a socket whose network has just gone; the test or bench then cuts the
 * socket for real. What is left is a first negotiation half done: this side holds the
 * offer and its own answer, the caller only its offer.
 */
import { beforeScripts, inPage, type Page } from "./video-call-probe.ts";

/** Runs in the page before its scripts. */
function loseFirstAnswer() {
  const w = window as unknown as { answerLost: boolean };
  w.answerLost = false;
  const dead = new WeakSet<WebSocket>();
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (this: WebSocket, data: Parameters<WebSocket["send"]>[0]) {
    if (!w.answerLost && typeof data === "string" && data.includes('"type":"answer"')) {
      w.answerLost = true;
      dead.add(this);
    }
    if (!dead.has(this)) send.call(this, data);
  };
}

export const installAnswerLoss = (page: Page) => beforeScripts(page, loseFirstAnswer, null);

/** Whether the page has made (and lost) its first answer yet. */
export const answerLost = (page: Page) => inPage(page, () => (window as unknown as { answerLost: boolean }).answerLost, null);
