/** The videos of `<video-call>`: one tile for this side and one per peer in the room. */
import { html, nothing } from "lit";
import { ref } from "lit/directives/ref.js";
import { qualityIndicator } from "../quality/indicator.ts";
import type { Quality } from "../quality/quality.ts";

export interface LocalTileView {
  sharing: boolean;
  /** Whether there is a microphone / camera at all, and whether it is on. */
  microphone: "on" | "off" | "none";
  camera: "on" | "off" | "none";
  /** How well what this side sends gets through (unset before it is measured). */
  quality?: Quality | undefined;
  /** This side's microphone is heard speaking. */
  speaking?: boolean;
}

export interface RemoteTileView {
  peer: string;
  name: string;
  /** The name came from the embedding site's join token (not chosen by the peer itself). */
  verified: boolean;
  /** Plays the peer's media in this tile's video (the same function every render). */
  ref: (el: Element | undefined) => void;
  /** A picture is coming: a video track is live and the peer has not said its camera is off. */
  picture: boolean;
  /** The peer's microphone and camera, as it says (unknown until it does). */
  microphone: "on" | "off" | "unknown";
  camera: "on" | "off" | "unknown";
  /** The browser would not play this peer's sound without a click. */
  blocked: boolean;
  onUnblock(): void;
  /** How well this peer's media gets here (unset before it is measured). */
  quality?: Quality | undefined;
  /** This peer is speaking. */
  speaking?: boolean;
}

const initial = (name: string) => name.trim().charAt(0).toUpperCase() || "?";

function status(parts: (string | false)[]) {
  const shown = parts.filter(Boolean);
  return shown.length ? html`<span class="status">${shown.join(", ")}</span>` : nothing;
}

export function localTile(v: LocalTileView) {
  const picture = v.sharing || v.camera === "on";
  return html`
    <figure class="tile self" part="tile self-tile" data-quality=${v.quality ?? nothing} ?speaking=${v.speaking}>
      <video class="local" part="local-video" muted playsinline autoplay aria-label="Your own picture"></video>
      ${picture ? nothing : html`<div class="placeholder" part="placeholder" aria-hidden="true">You</div>`}
      ${qualityIndicator(v.quality)}
      <figcaption>
        You${v.sharing ? ", sharing your screen" : ""}
        ${status([
          v.microphone === "none" && "no microphone",
          v.microphone === "off" && "microphone off",
          !v.sharing && v.camera === "none" && "no camera",
          !v.sharing && v.camera === "off" && "camera off",
        ])}
      </figcaption>
    </figure>
  `;
}

export function remoteTile(v: RemoteTileView) {
  return html`
    <figure class="tile" part="tile remote-tile" data-peer=${v.peer} ?data-no-picture=${!v.picture} data-quality=${v.quality ?? nothing} ?speaking=${v.speaking}>
      <video part="remote-video" data-peer=${v.peer} playsinline autoplay aria-label=${`${v.name}'s picture`} ${ref(v.ref)}></video>
      ${v.picture ? nothing : html`<div class="placeholder" part="placeholder" aria-hidden="true">${initial(v.name)}</div>`}
      ${qualityIndicator(v.quality)}
      <figcaption>
        <span class="name" title=${v.verified ? "Name confirmed by the site" : ""}>${v.name}</span>${v.verified ? html`<span class="verified"><span aria-hidden="true"> ✓</span><span class="visually-hidden"> (confirmed by the site)</span></span>` : nothing}
        ${status([v.microphone === "off" && "microphone off", v.camera === "off" && "camera off"])}
      </figcaption>
      ${v.blocked
        ? html`<button part="button unmute" class="unmute primary" @click=${v.onUnblock}>Click to play sound from ${v.name}</button>`
        : nothing}
    </figure>
  `;
}
