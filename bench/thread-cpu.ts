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
