/**
 * One page's side of the call in a line, for a run that gave up: its state and what it
 * recorded since the fault, its remote video element, and each link's transport and
 * inbound video counters. Times are relative to the fault.
 */
import type { Page } from "playwright-core";
import { recorded } from "./page-record.ts";

export async function sideReport(page: Page, since: number): Promise<string> {
  const r = await recorded(page);
  const now = await page.evaluate(async () => {
    const el = document.querySelector("video-call") as unknown as HTMLElement & { getStats(): Promise<Map<string, RTCStatsReport>> };
    const videos = [...el.shadowRoot!.querySelectorAll<HTMLVideoElement>("video[part~='remote-video']")].map(
      (v) => `video ${v.paused ? "paused" : "playing"}, readyState ${v.readyState}`,
    );
    const links: string[] = [];
    for (const report of (await el.getStats()).values()) {
      const parts: string[] = [];
      report.forEach((s) => {
        if (s.type === "transport") parts.push(`ice ${s.iceState}, dtls ${s.dtlsState}`);
        if (s.type === "inbound-rtp" && s.kind === "video") parts.push(`${s.packetsReceived} video packets in, ${s.framesDecoded} frames decoded`);
      });
      links.push(parts.join(", "));
    }
    return { videos, links };
  });
  const at = (t: number) => `+${Math.round(t - since)}`;
  return [
    `state ${r.states.at(-1)?.state ?? "?"} (${r.states.filter((s) => s.t >= since).map((s) => `${s.state}@${at(s.t)}`).join(" ") || "unchanged"})`,
    `recovery ${r.recoveries.filter((x) => x.t >= since).map((x) => `${x.action}@${at(x.t)}`).join(" ") || "none"}`,
    `${r.frames.filter((f) => f.t >= since).length} new frames presented since (${r.repeated} callbacks in the run showed a frame again)`,
    ...now.videos,
    ...now.links.map((l) => `link: ${l}`),
  ].join("; ");
}
