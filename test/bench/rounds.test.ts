/** The benchmark's schedule: interleaved, rotating rounds that stop once every ratio is narrow enough. */
import { interleavedRounds, pairRatios, rotate, type Runs, TARGET_HALF_WIDTH } from '../../bench/rounds';
import { spreadOf } from '../../bench/statistics';

const A = { name: 'a' };
const B = { name: 'b' };
const C = { name: 'c' };

describe('rotate', () => {
  it('puts each variant first equally often, keeping their order', () => {
    const firsts = Array.from({ length: 6 }, (_, n) => rotate([A, B, C], n)[0]!.name);
    expect(firsts).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
    expect(rotate([A, B, C], 1).map((v) => v.name)).toEqual(['b', 'c', 'a']);
  });
});

describe('pairRatios', () => {
  it('divides within each round, never across rounds', () => {
    const runs: Runs = new Map([
      ['a', [{ ms: 12 }, { ms: 30 }]],
      ['b', [{ ms: 10 }, { ms: 20 }]],
    ]);
    expect(pairRatios(runs, A, B, 'ms')).toEqual([1.2, 1.5]);
  });
});

describe('interleavedRounds', () => {
  const ratio = (runs: Runs) => ({ aVsB: pairRatios(runs, A, B, 'ms') });

  it('runs every variant once a round, in rotating order, and stops at the minimum when the ratios agree', async () => {
    const order: string[] = [];
    const runs = await interleavedRounds(
      [A, B],
      { min: 4, max: 50 },
      async (v) => {
        order.push(v.name);
        return { ms: v === A ? 11 : 10 };
      },
      ratio,
    );
    expect(order).toEqual(['a', 'b', 'b', 'a', 'a', 'b', 'b', 'a']);
    expect(runs.get('a')).toHaveLength(4);
    expect(runs.get('b')).toHaveLength(4);
  });

  /** A measurement as a function of the variant and the round (counted by a's turns). */
  const byRound = (value: (v: { name: string }, round: number) => Record<string, number>) => {
    let round = 0;
    return async (v: { name: string }) => {
      if (v === A) round += 1;
      return value(v, round);
    };
  };
  /** a's time alternates 10 and 15 from round to round, b's stays 10: a ratio far wider than the target. */
  const alternating = (round: number) => (round % 2 === 0 ? 15 : 10);

  it('goes on while a ratio is wider than the target, up to the maximum', async () => {
    const measure = byRound((v, round) => ({ ms: v === A ? alternating(round) : 10 }));
    expect((await interleavedRounds([A, B], { min: 4, max: 9 }, measure, ratio)).get('a')).toHaveLength(9);
  });

  it('waits for every ratio, not just one, to narrow', async () => {
    const measure = byRound((v, round) => (v === A ? { ms: 11, cpuMs: alternating(round) } : { ms: 10, cpuMs: 10 }));
    const ratios = (r: Runs) => ({ wall: pairRatios(r, A, B, 'ms'), cpu: pairRatios(r, A, B, 'cpuMs') });
    expect((await interleavedRounds([A, B], { min: 4, max: 9 }, measure, ratios)).get('a')).toHaveLength(9);
  });

  it('stops as soon as the ratio narrows to the target after the minimum', async () => {
    // Wide for the first three rounds, then steady: stops once the steady rounds outweigh the early ones.
    const measure = byRound((v, round) => ({ ms: v === B ? 10 : round <= 3 ? alternating(round) : 11 }));
    const runs = await interleavedRounds([A, B], { min: 2, max: 200 }, measure, ratio);
    const rounds = runs.get('a')!.length;
    expect(rounds).toBeGreaterThan(3);
    expect(rounds).toBeLessThan(200);
    // The last round was the first whose interval was within the target.
    const within = (n: number) =>
      spreadOf(ratio(new Map([...runs].map(([k, v]) => [k, v.slice(0, n)]))).aVsB).halfWidth <= TARGET_HALF_WIDTH;
    expect(within(rounds)).toBe(true);
    expect(within(rounds - 1)).toBe(false);
  });
});
