/** The benchmark's per-thread CPU reading, checked on this very process (Linux, as CI is), and its split by thread. */
import { splitThreadCpu, threadCpuMs } from '../../bench/thread-cpu';

describe('threadCpuMs', () => {
  it('charges a busy main thread to the thread whose id is the pid, about as process.cpuUsage sees it', () => {
    const before = threadCpuMs(process.pid)!;
    const cpu0 = process.cpuUsage();
    const usedMs = () => {
      const { user, system } = process.cpuUsage(cpu0);
      return (user + system) / 1000;
    };
    // Busy until 400 ms of CPU is spent (bounded at 10 s of wall time on a starved machine).
    for (const giveUp = performance.now() + 10_000; usedMs() < 400 && performance.now() < giveUp; );
    const spent = usedMs();
    const after = threadCpuMs(process.pid)!;

    const main = after.get(String(process.pid))! - before.get(String(process.pid))!;
    const total = [...after].reduce((sum, [tid, ms]) => sum + ms - (before.get(tid) ?? 0), 0);
    expect(main).toBeGreaterThanOrEqual(300);
    // Ticks of 10 ms per thread: within a few ticks of what the process as a whole reports.
    expect(Math.abs(total - spent)).toBeLessThan(100);
    expect(main).toBeLessThanOrEqual(total);
  });

  it('is undefined for a process that does not exist', () => {
    expect(threadCpuMs(2 ** 30)).toBeUndefined();
  });
});

describe('splitThreadCpu', () => {
  it("charges the pid's thread as main, the busiest other thread apart, and sums the rest", () => {
    const before = new Map([
      ['100', 1_000],
      ['101', 500],
      ['102', 200],
      ['103', 40],
      ['104', 10],
    ]);
    const after = new Map([
      ['100', 1_600],
      ['101', 560],
      ['102', 1_100],
      ['103', 70],
      ['104', 10],
    ]);
    expect(splitThreadCpu(100, before, after)).toEqual({ main: 600, busiest: 900, rest: 60 + 30 + 0 });
  });

  it('counts a thread that started in between from zero, and one that ended not at all', () => {
    const before = new Map([
      ['7', 100],
      ['8', 300],
    ]);
    const after = new Map([
      ['7', 150],
      ['9', 20],
    ]);
    expect(splitThreadCpu(7, before, after)).toEqual({ main: 50, busiest: 20, rest: 0 });
  });
});
