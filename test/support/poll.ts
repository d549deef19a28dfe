/** Waiting in the tests: poll something until it holds, with a bound, saying what was last seen. */

/** Reads `look()` until `ok` holds of it, for at most `ms`; fails with what it last saw. */
export async function pollUntil<T>(look: () => Promise<T>, ok: (v: T) => boolean, what: string, ms = 20_000, everyMs = 200): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await look();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await Bun.sleep(everyMs);
  }
}
