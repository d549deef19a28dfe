/**
 * The devices a person chose, remembered per origin (localStorage) so the next call starts
 * with them. Only explicit choices are written: a fallback after a device went away keeps the
 * remembered one, which is used again once it is back.
 */
export type DeviceKind = "camera" | "microphone" | "speaker";
export type Choices = Partial<Record<DeviceKind, string>>;

const KEY = "roomcall.devices";

export function remembered(): Choices {
  try {
    const saved: unknown = JSON.parse(localStorage.getItem(KEY) ?? "{}");
    const out: Choices = {};
    // Written by any script of the origin: take only what has the right shape.
    for (const kind of ["camera", "microphone", "speaker"] as const) {
      const id = (saved as Choices | null)?.[kind];
      if (typeof id === "string") out[kind] = id;
    }
    return out;
  } catch {
    return {};
  }
}

export function remember(kind: DeviceKind, deviceId: string): void {
  try {
    localStorage.setItem(KEY, JSON.stringify({ ...remembered(), [kind]: deviceId }));
  } catch {
    // Storage refused (private mode, a sandboxed frame): the choice lasts this call only.
  }
}
