/** The notices under the state line: what went wrong beside the call, each with its part. */
import { html, nothing } from "lit";
import type { MediaFailure } from "../../shared/media-error.ts";

export interface NoticeFacts {
  /** Camera or microphone could not be had. */
  failure: MediaFailure | null;
  /** In the call while camera and microphone are still being had (the browser is asking). */
  capturing: boolean;
  inCall: boolean;
  lobby: boolean;
  microphone: boolean;
  camera: boolean;
  /** A STUN/TURN problem, shown until the call connects. */
  ice: string;
  screen: string | null;
  device: string | null;
  /** Names of the peers whose sound waits for a click. */
  blocked: string[];
  onRetry(): void;
}

export function notices(f: NoticeFacts) {
  return html`<div class="notices" role="status" aria-live="polite">
    ${f.capturing
      ? html`<p class="notice" part="notice capture-notice">Waiting for your camera and microphone: the others see and hear you once your browser has them.</p>`
      : nothing}
    ${f.failure && (f.inCall || f.lobby)
      ? html`<p class="notice" part="notice">
          ${f.failure.message} ${f.lobby ? "You can join all the same, or try again." : withWhat(f.microphone, f.camera)}
          <button part="button retry-media" @click=${f.onRetry}>Try camera and microphone again</button>
        </p>`
      : nothing}
    ${f.ice ? html`<p class="notice ice" part="notice ice-notice">${f.ice}</p>` : nothing}
    ${f.screen && f.inCall ? html`<p class="notice" part="notice screen-notice">${f.screen}</p>` : nothing}
    ${f.device ? html`<p class="notice" part="notice device-notice">${f.device}</p>` : nothing}
    ${f.blocked.length ? html`<p class="notice" part="notice">The browser will not play the sound of ${f.blocked.join(", ")} until you press "Click to play sound".</p>` : nothing}
  </div>`;
}

/** What this peer is in the call with, after a camera or microphone failed. */
function withWhat(audio: boolean, video: boolean): string {
  if (audio && video) return "";
  if (audio) return "You are in the call with your microphone only.";
  if (video) return "You are in the call with your camera only.";
  return "You are in the call without them: you can still see and hear the others.";
}
