import { expect, test } from "bun:test";
import * as fs from "node:fs";
import * as path from "node:path";

test("custom-elements.json documents each element's attributes, events, parts and custom properties", async () => {
  // The analyzer takes --outdir relative to the working directory.
  const out = path.join(".tmp", `cem-${process.pid}`);
  const proc = Bun.spawn(["node", "node_modules/.bin/cem", "analyze", "--config", "custom-elements-manifest.config.mjs", "--outdir", out], {
    stdout: "ignore",
    stderr: "pipe",
  });
  expect(await proc.exited).toBe(0);
  const manifest = await Bun.file(path.join(out, "custom-elements.json")).json();
  const elements = new Map<string, any>();
  for (const mod of manifest.modules) for (const d of mod.declarations ?? []) if (d.customElement) elements.set(d.tagName, d);
  // The three embeddable elements, and the room page's own invite control.
  expect([...elements.keys()].sort()).toEqual(["copy-link", "loopback-demo", "room-join", "video-call"]);
  const names = (xs: { name: string }[] | undefined) => (xs ?? []).map((x) => x.name);

  const call = elements.get("video-call");
  expect(names(call.attributes)).toEqual(expect.arrayContaining(["room", "signaling-url", "audio", "video", "ice-servers", "ice-transport-policy"]));
  expect(names(call.events)).toEqual(expect.arrayContaining(["call-state", "joined", "peer-joined", "peer-left", "room-full", "media-error", "autoplay-blocked"]));
  expect(names(call.cssParts)).toEqual(expect.arrayContaining(["local-video", "remote-video", "state", "controls", "hang-up"]));
  expect(names(call.cssProperties)).toEqual(expect.arrayContaining(["--rc-accent", "--rc-radius", "--rc-video-background"]));
  expect(names(call.members)).toEqual(expect.arrayContaining(["hangUp", "toggleMicrophone", "toggleCamera", "getStats", "join"]));
  // Connection quality and who is speaking.
  expect(names(call.events)).toEqual(expect.arrayContaining(["connection-quality", "active-speaker"]));
  expect(names(call.cssParts)).toEqual(expect.arrayContaining(["quality"]));
  expect(names(call.cssProperties)).toEqual(expect.arrayContaining(["--rc-speaking"]));
  // Chat and layout.
  expect(names(call.attributes)).toEqual(expect.arrayContaining(["chat", "layout"]));
  expect(names(call.events)).toEqual(expect.arrayContaining(["chat-message"]));
  expect(names(call.members)).toEqual(expect.arrayContaining(["sendMessage"]));
  expect(names(call.cssParts)).toEqual(expect.arrayContaining(["chat", "chat-toggle"]));
  expect(names(call.cssProperties)).toEqual(expect.arrayContaining(["--rc-self-view-width", "--rc-chat-height"]));
  // The lobby and the devices.
  expect(names(call.attributes)).toEqual(expect.arrayContaining(["lobby"]));
  expect(names(call.members)).toEqual(expect.arrayContaining(["devices", "setCamera", "setMicrophone", "setSpeaker"]));
  expect(names(call.events)).toEqual(expect.arrayContaining(["device-change"]));
  expect(names(call.cssParts)).toEqual(expect.arrayContaining(["lobby", "mic-level", "settings", "settings-panel", "device-select", "device-notice"]));

  const demo = elements.get("loopback-demo");
  expect(names(demo.events)).toEqual(expect.arrayContaining(["loopback-state", "first-frame", "media-error"]));
  expect(names(demo.members)).toEqual(expect.arrayContaining(["start", "call", "hangUp", "getStats"]));

  const join = elements.get("room-join");
  expect(names(join.events)).toEqual(["room-input", "room-submit"]);
  expect(names(join.attributes)).toEqual(expect.arrayContaining(["action", "base-url", "value"]));
  fs.rmSync(out, { recursive: true });
}, 60_000);
