/**
 * Repeats a measurement for each kind (the baseline, ours, and any diagnostic variants),
 * rotating which goes first each round, so that a busy moment on a shared machine falls on
 * all alike. Round i of each kind is paired with round i of the others for per-round ratios.
 */
export async function alternate<K extends string, T>(kinds: readonly K[], rounds: number, measure: (kind: K, round: number) => Promise<T>): Promise<Record<K, T[]>> {
  const out = Object.fromEntries(kinds.map((k) => [k, [] as T[]])) as Record<K, T[]>;
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < kinds.length; i++) {
      const kind = kinds[(i + round) % kinds.length]!;
      out[kind].push(await measure(kind, round));
    }
  }
  return out;
}
