/** The benchmark's arithmetic: medians and spreads of ratios, and the projection onto Lambda memory sizes. */
import { memoryTable, projectedMs } from '../../bench/lambda-projection';
import { median, quantile, spreadOf } from '../../bench/statistics';

describe('spreadOf', () => {
  it('gives the median, the middle half and a bootstrap interval that holds the median', () => {
    const values = [1.0, 1.02, 1.04, 1.06, 1.08, 1.1, 1.12, 1.14, 1.16];
    const spread = spreadOf(values);
    expect(spread.median).toBeCloseTo(1.08, 10);
    expect([spread.p25, spread.p75]).toEqual([1.04, 1.12].map((v) => expect.closeTo(v, 10)));
    expect(spread.low).toBeLessThanOrEqual(spread.median);
    expect(spread.high).toBeGreaterThanOrEqual(spread.median);
    expect(spread.halfWidth).toBeCloseTo((spread.high - spread.low) / 2 / 1.08, 10);
  });

  it('has no width when every round agrees, and the same rounds give the same interval', () => {
    expect(spreadOf([1.2, 1.2, 1.2, 1.2]).halfWidth).toBe(0);
    const values = Array.from({ length: 40 }, (_, i) => 1 + ((i * 7) % 13) / 100);
    expect(spreadOf(values)).toEqual(spreadOf(values));
  });

  it('interpolates quantiles between rounds', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(quantile([0, 10], 0.25)).toBe(2.5);
  });
});

describe('the projection onto Lambda memory sizes', () => {
  it('stretches CPU time by 1,769 MB / memory and leaves waiting time alone', () => {
    expect(projectedMs(30, 10, 1_769)).toBe(30);
    expect(projectedMs(30, 10, 3_538)).toBe(30); // never more than one vCPU
    expect(projectedMs(30, 10, 256)).toBeCloseTo(10 * (1_769 / 256) + 20, 10);
  });

  it('prices a million warm alerts as requests plus GB-seconds, billed per millisecond rounded up', () => {
    const [row256] = memoryTable({ coldMs: 100, coldCpuMs: 80, warm2kMs: 1.2, warm2kCpuMs: 1, warm200kMs: 5, warm200kCpuMs: 4 });
    const billedMs = Math.ceil(1 * (1_769 / 256) + 0.2);
    expect(row256!.costPerMillion).toBeCloseTo(0.2 + 1e6 * 0.25 * (billedMs / 1000) * 0.0000133334, 10);
    expect(row256!.costPer10msWait).toBeCloseTo(1e6 * 0.25 * 0.01 * 0.0000133334, 10);
  });
});
