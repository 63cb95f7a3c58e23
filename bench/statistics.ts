/** Medians and their spread, for ratios taken round by round in one benchmark run. */

export const median = (values: readonly number[]): number => quantile(values, 0.5);

export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const below = Math.floor(at);
  return sorted[below]! + (sorted[Math.min(below + 1, sorted.length - 1)]! - sorted[below]!) * (at - below);
}

export interface Spread {
  readonly median: number;
  /** The middle half of the rounds. */
  readonly p25: number;
  readonly p75: number;
  /** A 95 % bootstrap interval of the median. */
  readonly low: number;
  readonly high: number;
  /** Half the interval's width, relative to the median: ±this is how far another run may land. */
  readonly halfWidth: number;
}

/** The median with its spread; the bootstrap is seeded, so the same rounds give the same interval. */
export function spreadOf(values: readonly number[], resamples = 2_000): Spread {
  const random = mulberry32(0x5eed);
  const medians = Array.from({ length: resamples }, () => median(values.map(() => values[Math.floor(random() * values.length)]!)));
  const [low, high] = [quantile(medians, 0.025), quantile(medians, 0.975)];
  const mid = median(values);
  return { median: mid, p25: quantile(values, 0.25), p75: quantile(values, 0.75), low, high, halfWidth: (high - low) / 2 / mid };
}

/** A small seeded PRNG (mulberry32). */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
