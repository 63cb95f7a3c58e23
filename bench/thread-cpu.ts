/** Per-thread CPU time from /proc, for accounting a multi-threaded server's work (Linux only). */
import { readdirSync, readFileSync } from 'node:fs';

/** CPU time (ms) of each thread of a process, by thread id (the main thread's id is the pid); undefined off Linux. */
export function threadCpuMs(pid: number): Map<string, number> | undefined {
  try {
    const threads = new Map<string, number>();
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      // After the command name (in parentheses, which may hold anything): state is the first field,
      // utime the 12th, stime the 13th, in clock ticks (100 per second).
      const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
      threads.set(tid, (Number(fields[11]) + Number(fields[12])) * 10);
    }
    return threads;
  } catch {
    return undefined;
  }
}

/** CPU time (ms) between two readings of threadCpuMs: the main thread's, the busiest other thread's, and the rest's together. */
export interface ThreadCpuSplit {
  readonly main: number;
  readonly busiest: number;
  readonly rest: number;
}

/**
 * Splits the CPU a process spent between two readings by thread: the main thread is the one whose
 * id is the pid; a thread that started in between counts from zero, one that ended is not counted.
 */
export function splitThreadCpu(pid: number, before: ReadonlyMap<string, number>, after: ReadonlyMap<string, number>): ThreadCpuSplit {
  const deltas = [...after].map(([tid, ms]) => ({ tid, ms: ms - (before.get(tid) ?? 0) }));
  const main = deltas.find((d) => d.tid === String(pid))?.ms ?? 0;
  const others = deltas.filter((d) => d.tid !== String(pid)).sort((x, y) => y.ms - x.ms);
  return { main, busiest: others[0]?.ms ?? 0, rest: others.slice(1).reduce((sum, d) => sum + d.ms, 0) };
}
