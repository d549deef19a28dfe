/** Telling someone in another tab that people came: the page title, and a short sound. */

const TITLE_COUNT = /^\(\d+\) /;

/** Puts `(n) ` in front of the page's title (n people in the call, this one included), or takes it away. */
export function setTitleCount(n: number | null): void {
  const base = document.title.replace(TITLE_COUNT, "");
  document.title = n === null ? base : `(${n}) ${base}`;
}

let audio: AudioContext | null = null;

/** A short, soft two-note chime. Silent where the page may not play sound yet. */
export function chime(): void {
  try {
    audio ??= new AudioContext();
    if (audio.state !== "running") void audio.resume();
    const t = audio.currentTime;
    for (const [i, freq] of [660, 880].entries()) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, t + i * 0.12);
      gain.gain.exponentialRampToValueAtTime(0.08, t + i * 0.12 + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, t + i * 0.12 + 0.25);
      osc.connect(gain).connect(audio.destination);
      osc.start(t + i * 0.12);
      osc.stop(t + i * 0.12 + 0.3);
    }
  } catch {
    // No Web Audio here: the title still tells.
  }
}
