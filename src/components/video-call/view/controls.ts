/** The buttons of `<video-call>`: each says what it does now (no pressed states to decode). */
import { html, nothing } from "lit";

export interface ControlsView {
  inCall: boolean;
  /** No call was started yet. */
  idle: boolean;
  room: string;
  /** After `full`: a seat has been seen free since. */
  seatFree: boolean;
  microphone: "on" | "off" | "none";
  camera: "on" | "off" | "none";
  sharing: boolean;
  canShare: boolean;
  /** The settings control (device pickers), shown in the call. */
  settings?: unknown;
  onMicrophone(): void;
  onCamera(): void;
  onShare(): void;
  onHangUp(): void;
  onJoin(): void;
  /** The chat toggle, while there is a chat. */
  chat?: unknown;
}

export function controls(v: ControlsView) {
  if (!v.inCall) {
    // After the call: one clear way back in (no disabled buttons left over).
    return html`
      <div class="controls" part="controls">
        <button part="button hang-up join" class="primary" ?disabled=${!v.room} @click=${v.onJoin}>${v.seatFree ? "Join now" : v.idle ? "Join" : "Join again"}</button>
      </div>
    `;
  }
  return html`
    <div class="controls" part="controls">
      ${toggles(v)}
      ${v.canShare
        ? html`<button part="button screen-share" class=${v.sharing ? "active" : ""} @click=${v.onShare}>${v.sharing ? "Stop sharing" : "Share screen"}</button>`
        : nothing}
      ${v.chat ?? nothing}
      ${v.settings ?? nothing}
      <button part="button hang-up" class="danger" @click=${v.onHangUp}>Hang Up</button>
    </div>
  `;
}

/** The microphone and camera toggles (the call's row, and the lobby's). */
export function toggles(v: Pick<ControlsView, "microphone" | "camera" | "onMicrophone" | "onCamera">) {
  const mic = { on: "Mute", off: "Unmute", none: "No microphone" }[v.microphone];
  const cam = { on: "Turn camera off", off: "Turn camera on", none: "No camera" }[v.camera];
  return html`<button part="button microphone" class=${v.microphone === "off" ? "active" : ""} ?disabled=${v.microphone === "none"} @click=${v.onMicrophone}>${mic}</button>
    <button part="button camera" class=${v.camera === "off" ? "active" : ""} ?disabled=${v.camera === "none"} @click=${v.onCamera}>${cam}</button>`;
}
