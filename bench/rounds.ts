/**
 * How the benchmark schedules its measurements: interleaved rounds, ratios taken within a round,
 * and rounds until the ratios' intervals are narrow enough that two runs agree.
 */
import { spreadOf } from './statistics';

/** The half-width a ratio's interval must reach, so that two runs agree within ±5 %. */
export const TARGET_HALF_WIDTH = 0.025;

/** Measurements by variant name, one per round. */
export type Runs = Map<string, Array<Record<string, number>>>;

interface Named {
  readonly name: string;
}

/**
 * Rounds that run every variant once, the order rotating (so none always runs on a cooler or
 * warmer machine), from `min` rounds on until every ratio's 95 % interval is within the target
 * half-width, or `max` rounds.
 */
export async function interleavedRounds<V extends Named>(
  variants: readonly V[],
  { min, max }: { readonly min: number; readonly max: number },
  measureOne: (variant: V) => Promise<Record<string, number>>,
  ratiosOf: (runs: Runs) => Record<string, number[]>,
): Promise<Runs> {
  const runs: Runs = new Map(variants.map((v) => [v.name, []]));
  for (let round = 0; round < max; round += 1) {
    for (const v of rotate(variants, round)) runs.get(v.name)!.push(await measureOne(v));
    if (round + 1 >= min && Object.values(ratiosOf(runs)).every((r) => spreadOf(r).halfWidth <= TARGET_HALF_WIDTH)) break;
  }
  return runs;
}

/** The order of the variants in round n: rotated, so each runs first as often as the others. */
export function rotate<T>(items: readonly T[], n: number): T[] {
  const k = n % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

/** Per-round ratios a/b of one measurement: the two ran back to back, on the same machine state. */
export function pairRatios(runs: Runs, a: Named, b: Named, key: string): number[] {
  const bs = runs.get(b.name)!;
  return runs.get(a.name)!.map((r, i) => r[key]! / bs[i]![key]!);
}
