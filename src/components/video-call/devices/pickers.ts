/** The device pickers of the lobby and the settings panel: one labelled <select> per kind there is. */
import { html, nothing } from "lit";
import type { CallDevices, DeviceKind, DeviceOption } from "./device-controller.ts";

export function pickers(d: CallDevices, pick: (kind: DeviceKind, deviceId: string) => Promise<boolean>) {
  const one = (kind: DeviceKind, label: string, list: DeviceOption[], current: string | null) =>
    list.length
      ? // Template text is not minified: written tight.
        html`<label>${label} <select part="device-select ${kind}-select" @change=${async (e: Event) => {
          const select = e.target as HTMLSelectElement;
          // A device that would not open: show the one still in use.
          if (!(await pick(kind, select.value))) select.value = current ?? "";
        }}>${list.map((o) => html`<option value=${o.deviceId} ?selected=${o.deviceId === current}>${o.label}</option>`)}</select></label>`
      : nothing;
  return html`<div class="pickers">${one("camera", "Camera", d.cameras, d.camera)}${one("microphone", "Microphone", d.microphones, d.microphone)}${one("speaker", "Speaker", d.speakers, d.speaker)}</div>`;
}

/** The settings control of the call's button row: opens and closes the pickers. */
export function settingsButton(open: boolean, onToggle: () => void) {
  return html`<button part="button settings" aria-expanded=${open} aria-controls=${open ? "settings" : nothing} @click=${onToggle}>Settings</button>`;
}

/** The pickers during the call, under the buttons while the settings control is open. */
export function settingsPanel(open: boolean, content: unknown) {
  return open ? html`<div id="settings" part="settings-panel" role="group" aria-label="Settings">${content}</div>` : nothing;
}
