/**
 * Resolves with the time (on the performance.now() clock) at which `video` presents its first
 * frame: the moment a person would see the picture. Call it before or after giving the video
 * its source. Rejects with the signal's reason if `signal` aborts first.
 *
 * @example
 * const began = performance.now();
 * const ms = (await firstFrame(remoteVideo, abort.signal)) - began;
 */
export function firstFrame(video: HTMLVideoElement, signal?: AbortSignal): Promise<number> {
  return new Promise((resolve, reject) => {
    const reason = () => signal?.reason ?? new DOMException("aborted", "AbortError");
    if (signal?.aborted) return reject(reason());
    let cancel = () => {};
    const onAbort = () => {
      cancel();
      reject(reason());
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    const done = (at: number) => {
      signal?.removeEventListener("abort", onAbort);
      resolve(at);
    };
    if (typeof video.requestVideoFrameCallback === "function") {
      const handle = video.requestVideoFrameCallback((_now, frame) => done(frame.presentationTime));
      cancel = () => video.cancelVideoFrameCallback(handle);
      return;
    }
    // Engines without requestVideoFrameCallback: poll until the video has a size and its clock moves.
    let raf = 0;
    const poll = () => {
      if (video.videoWidth > 0 && video.currentTime > 0) done(performance.now());
      else raf = requestAnimationFrame(poll);
    };
    cancel = () => cancelAnimationFrame(raf);
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
