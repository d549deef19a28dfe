/**
 * Resolves with the time (performance.now()) at which `video` presents its first frame:
 * the moment a person would see the picture. Rejects if `signal` aborts first.
 */
export function firstFrame(video: HTMLVideoElement, signal?: AbortSignal): Promise<number> {
  return new Promise((resolve, reject) => {
    const abort = () => reject(signal?.reason ?? new DOMException("aborted", "AbortError"));
    if (signal?.aborted) return abort();
    signal?.addEventListener("abort", abort, { once: true });
    const done = (t: number) => {
      signal?.removeEventListener("abort", abort);
      resolve(t);
    };
    if (typeof video.requestVideoFrameCallback === "function") {
      video.requestVideoFrameCallback(() => done(performance.now()));
      return;
    }
    // Older engines: poll until the video has dimensions and its clock moves.
    const poll = () => {
      if (signal?.aborted) return;
      if (video.videoWidth > 0 && video.currentTime > 0) done(performance.now());
      else requestAnimationFrame(poll);
    };
    poll();
  });
}

/** Plays `video`, telling whether the browser refused to autoplay it. */
export async function play(video: HTMLVideoElement): Promise<"playing" | "blocked"> {
  try {
    await video.play();
    return "playing";
  } catch (err) {
    // A new srcObject interrupts a pending play(): not a refusal.
    return err instanceof DOMException && err.name === "NotAllowedError" ? "blocked" : "playing";
  }
}
