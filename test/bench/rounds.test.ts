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

  it('goes on while a ratio is wider than the target, up to the maximum', async () => {
    let round = 0;
    // The ratio alternates 1.0 and 1.5 from round to round: far wider than the target.
    const runs = await interleavedRounds(
      [A, B],
      { min: 4, max: 9 },
      async (v) => {
        if (v === A) round += 1;
        return { ms: v === B ? 10 : round % 2 === 0 ? 15 : 10 };
      },
      ratio,
    );
    expect(runs.get('a')).toHaveLength(9);
  });

  it('waits for every ratio, not just one, to narrow', async () => {
    let round = 0;
    const runs = await interleavedRounds(
      [A, B],
      { min: 4, max: 9 },
      async (v) => {
        if (v === A) round += 1;
        return v === A ? { ms: 11, cpuMs: round % 2 === 0 ? 15 : 10 } : { ms: 10, cpuMs: 10 };
      },
      (r) => ({ wall: pairRatios(r, A, B, 'ms'), cpu: pairRatios(r, A, B, 'cpuMs') }),
    );
    expect(runs.get('a')).toHaveLength(9);
  });

  it('stops as soon as the ratio narrows to the target after the minimum', async () => {
    let round = 0;
    // Wide for the first rounds, then steady: stops once the steady rounds outweigh the early ones.
    const runs = await interleavedRounds(
      [A, B],
      { min: 2, max: 200 },
      async (v) => {
        if (v === A) round += 1;
        return { ms: v === B ? 10 : round <= 3 ? 10 + 5 * (round % 2) : 11 };
      },
      ratio,
    );
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
