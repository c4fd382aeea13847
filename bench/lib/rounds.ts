import { readCpuTimes, stealShare } from './machine';

/** Above this share of stolen CPU time a measurement is taken again. */
export const MAX_STEAL = 0.05;
const MAX_TRIES = 2;

export interface Measured<M> {
  value: M;
  /** Share of the machine's CPU time stolen by the hypervisor meanwhile. */
  steal: number;
  /** How many times it was taken again because of steal. */
  retries: number;
}

/**
 * Runs `measure` for every variant in each of `rounds` rounds, rotating the
 * order each round so no variant always runs first (or hot after another), and
 * taking again any measurement during which more than 5% of CPU time was stolen.
 * Returns each variant's measurements by round.
 */
export async function interleave<V extends string, M>(
  variants: readonly V[],
  rounds: number,
  measure: (variant: V, round: number) => Promise<M>,
): Promise<Map<V, Measured<M>[]>> {
  const results = new Map<V, Measured<M>[]>(variants.map((v) => [v, []]));
  for (let round = 0; round < rounds; round++) {
    const order = variants.map((_, i) => variants[(i + round) % variants.length]!);
    for (const variant of order) {
      let retries = 0;
      for (;;) {
        const before = readCpuTimes();
        const value = await measure(variant, round);
        const steal = stealShare(before, readCpuTimes());
        if (steal <= MAX_STEAL || retries + 1 >= MAX_TRIES) {
          results.get(variant)!.push({ value, steal, retries });
          break;
        }
        retries++;
      }
    }
  }
  return results;
}

/** Per-round ratios of one variant's figure to another's (same round), for taking their median. */
export function roundRatios<V, M>(
  results: Map<V, Measured<M>[]>,
  variant: V,
  baseline: V,
  figure: (m: M) => number,
): number[] {
  const a = results.get(variant)!;
  const b = results.get(baseline)!;
  return a.map((m, i) => figure(m.value) / figure(b[i]!.value));
}
