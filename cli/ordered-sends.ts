/**
 * The two pieces replay needs to send a large archive in bounded memory: a sender that keeps a bounded
 * number of sends in flight and one group's sends in order, and a compact index of one hour's alerts
 * (instant, name, group) that can be sorted without holding their bodies.
 */

/**
 * Runs tasks with at most `limit` in flight (waiting ones included); tasks of one group run one after
 * another, in the order submitted. A task must not reject: it reports its own failure.
 */
export function groupedRunner(limit: number) {
  const inFlight = new Set<Promise<void>>();
  const lastOfGroup = new Map<string, Promise<void>>();
  return {
    /** Resolves once the task is accepted (a slot is free), not when it has run. */
    async submit(group: string, task: () => Promise<void>): Promise<void> {
      while (inFlight.size >= limit) await Promise.race(inFlight);
      const run = (lastOfGroup.get(group) ?? Promise.resolve()).then(task);
      lastOfGroup.set(group, run);
      inFlight.add(run);
      void run.finally(() => {
        inFlight.delete(run);
        // Forget a group once its last task is done: the map holds only groups with work in flight.
        if (lastOfGroup.get(group) === run) lastOfGroup.delete(group);
      });
    },
    /** Resolves when every submitted task has run. */
    async drain(): Promise<void> {
      while (inFlight.size > 0) await Promise.all(inFlight);
    },
  };
}

/**
 * One hour's chosen alerts as typed arrays: 8 bytes of instant, 32 of name, 4 of group per alert, so
 * even a million of them take about 44 MB, where their bodies and parsed alerts would take gigabytes.
 */
export class HourIndex {
  private times = new Float64Array(1024);
  private names = Buffer.alloc(1024 * 32);
  private groups = new Uint32Array(1024);
  private readonly groupIds = new Map<string, number>();
  private readonly groupNames: string[] = [];
  length = 0;

  add(timeMs: number, name: string, group: string): void {
    if (this.length === this.times.length) this.grow();
    let id = this.groupIds.get(group);
    if (id === undefined) {
      id = this.groupNames.push(group) - 1;
      this.groupIds.set(group, id);
    }
    this.times[this.length] = timeMs;
    this.names.write(name, this.length * 32, 32, 'hex');
    this.groups[this.length] = id;
    this.length += 1;
  }

  /** The entries by instant, then by name (a stable order for equal instants). */
  sorted(): Iterable<{ name: string; group: string }> {
    const order = Uint32Array.from({ length: this.length }, (_, i) => i);
    // buf.compare(target, …, source range) orders the source range against the target's: a's name is the source.
    order.sort((a, b) => this.times[a]! - this.times[b]! || this.names.compare(this.names, b * 32, b * 32 + 32, a * 32, a * 32 + 32));
    const entry = (i: number) => ({ name: this.names.toString('hex', i * 32, i * 32 + 32), group: this.groupNames[this.groups[i]!]! });
    return (function* () {
      for (const i of order) yield entry(i);
    })();
  }

  private grow(): void {
    const size = this.times.length * 2;
    const times = new Float64Array(size);
    times.set(this.times);
    const names = Buffer.alloc(size * 32);
    this.names.copy(names);
    const groups = new Uint32Array(size);
    groups.set(this.groups);
    [this.times, this.names, this.groups] = [times, names, groups];
  }
}
