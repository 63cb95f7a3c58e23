/** The benchmark's per-thread CPU reading, checked on this very process (Linux, as CI is). */
import { threadCpuMs } from '../../bench/thread-cpu';

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
