/** Small helpers for the component tests (imported by *.test.ts only). */

/** Polls `check` until it returns a truthy value or `timeoutMs` passes. */
export async function until<T>(check: () => T | Promise<T>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Total inbound video frames decoded in a stats report. */
export function framesDecoded(report: RTCStatsReport | null | undefined): number {
  let n = 0;
  report?.forEach((s) => {
    if (s.type === "inbound-rtp" && s.kind === "video") n += s.framesDecoded ?? 0;
  });
  return n;
}

/** Resolves true once the video has a picture and its clock moves on. */
export async function playing(video: HTMLVideoElement): Promise<boolean> {
  await until(() => video.videoWidth > 0, "video dimensions");
  const t0 = video.currentTime;
  await until(() => video.currentTime > t0, "video time to advance");
  return true;
}
