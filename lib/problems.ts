/**
 * Synth tells everything at once: checks add every problem they find, each naming the key as the user
 * typed it, and one error lists them all.
 */

/** Problems found so far, each starting with the key it is about. */
export class Problems {
  private readonly found: string[] = [];

  /** A problem with `key` (a prop, `prop.sub`, or a context key). */
  public add(key: string, why: string): void {
    this.found.push(`${key} ${why}`);
  }

  /** Runs a check that throws on its first problem (a core check), and keeps its message as a problem. */
  public catch<T>(check: () => T): T | undefined {
    try {
      return check();
    } catch (error) {
      this.found.push((error as Error).message);
      return undefined;
    }
  }

  public get list(): readonly string[] {
    return this.found;
  }

  /** Nothing found, or one error listing everything, under `owner` (e.g. `PantherAlertForwarder`). */
  public throwIfAny(owner: string): void {
    if (this.found.length > 0) throw new Error(describeProblems(owner, this.found));
  }
}

/** `owner: problem` for one, `owner: N problems:` and a bulleted line each for several. */
export function describeProblems(owner: string, problems: readonly string[]): string {
  return problems.length === 1 ? `${owner}: ${problems[0]}` : [`${owner}: ${problems.length} problems:`, ...problems].join('\n- ');
}

/** Levenshtein distance: the fewest one-character insertions, deletions and substitutions from a to b. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** The candidate closest to `word` (case ignored), when it is close enough to be a likely typo. */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (best === undefined || distance < best.distance) best = { candidate, distance };
  }
  return best && best.distance <= Math.max(2, Math.floor(word.length / 3)) ? best.candidate : undefined;
}
