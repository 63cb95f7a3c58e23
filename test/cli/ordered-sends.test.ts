/** The pieces behind replay's bounded memory: the compact hour index's order, and the grouped runner's bounds and order. */
import { groupedRunner, HourIndex } from '../../cli/ordered-sends';

const name = (digit: string) => digit.repeat(64);

describe('HourIndex', () => {
  it('gives its entries by instant, equal instants by name, each with its group, past its first growth', () => {
    const index = new HourIndex();
    const entries = Array.from({ length: 3_000 }, (_, n) => ({
      time: (n * 7919) % 1_000,
      name: name('0123456789abcdef'[n % 16]!),
      group: `g${n % 5}`,
    }));
    for (const entry of entries) index.add(entry.time, entry.name, entry.group);
    const expected = [...entries].sort((a, b) => a.time - b.time || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    expect([...index.sorted()].map((e) => `${e.name[0]}${e.group}`)).toEqual(expected.map((e) => `${e.name[0]}${e.group}`));
    expect(index.length).toBe(3_000);
  });

  it('orders equal instants by name, whatever order they were added in', () => {
    const index = new HourIndex();
    for (const digit of ['f', '0', 'a', '1']) index.add(5, name(digit), 'g');
    expect([...index.sorted()].map((e) => e.name[0])).toEqual(['0', '1', 'a', 'f']);
  });
});

describe('groupedRunner', () => {
  it('keeps at most `limit` tasks in flight, and one group in the order submitted', async () => {
    const runner = groupedRunner(3);
    let running = 0;
    let most = 0;
    const finished: string[] = [];
    const task = (label: string, ms: number) => async () => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, ms));
      finished.push(label);
      running -= 1;
    };
    // Group a's first task is the slowest: its second must still finish after it.
    await runner.submit('a', task('a1', 60));
    await runner.submit('b', task('b1', 5));
    await runner.submit('a', task('a2', 1));
    for (let n = 0; n < 6; n += 1) await runner.submit(`c${n}`, task(`c${n}`, 5));
    await runner.drain();
    expect(most).toBeLessThanOrEqual(3);
    expect(finished.indexOf('a1')).toBeLessThan(finished.indexOf('a2'));
    expect(finished).toHaveLength(9);
  });
});
