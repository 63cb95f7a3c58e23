/**
 * A build step runs again only when its inputs changed: `npm test` builds in jest's globalSetup, and
 * then `cdk synth` and `npm pack` (prepare) in the tests would build the same again. Up to date means
 * by content, never by time: the SHA-256 of every input file (the source folders, the configs, the
 * installed dependencies' lockfile) must equal the last build's, and every output must still be
 * exactly what that build wrote. Anything else (a changed, added or deleted file, an output touched
 * or missing, no record) builds.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const ROOT = join(__dirname, '..');
/** Inside the repository, outside dist/ (which the package ships). */
const RECORDS = join(ROOT, 'node_modules', '.cache', 'panther-build');

/** Every file under these paths (files or folders, relative to the root), sorted, except under `skip`. */
export function filesUnder(paths: readonly string[], skip: readonly string[] = []): string[] {
  const skipped = new Set(skip.map((path) => join(ROOT, path)));
  const found: string[] = [];
  const walk = (path: string) => {
    if (skipped.has(path) || !existsSync(path)) return;
    if (!statSync(path).isDirectory()) return void found.push(path);
    for (const entry of readdirSync(path)) walk(join(path, entry));
  };
  for (const path of paths) walk(join(ROOT, path));
  return found.sort();
}

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** One hash of the files' names and contents. */
export function contentHash(files: readonly string[]): string {
  const hash = createHash('sha256');
  for (const file of files) hash.update(relative(ROOT, file)).update('\0').update(sha256(file)).update('\0');
  return hash.digest('hex');
}

interface BuildRecord {
  readonly inputs: string;
  /** Output file (relative to the root) → its SHA-256 when the build ended. */
  readonly outputs: Record<string, string>;
}

const recordFile = (step: string) => join(RECORDS, `${step}.json`);

/** Whether this step's last build had these inputs and its outputs are all still as it left them. */
export function upToDate(step: string, inputs: string): boolean {
  let record: BuildRecord;
  try {
    record = JSON.parse(readFileSync(recordFile(step), 'utf8')) as BuildRecord;
  } catch {
    return false;
  }
  if (record.inputs !== inputs || Object.keys(record.outputs).length === 0) return false;
  return Object.entries(record.outputs).every(([file, hash]) => existsSync(join(ROOT, file)) && sha256(join(ROOT, file)) === hash);
}

/** Records a finished build: its inputs' hash and its outputs as they are now. */
export function recordBuild(step: string, inputs: string, outputs: readonly string[]): void {
  const record: BuildRecord = { inputs, outputs: Object.fromEntries(outputs.map((file) => [relative(ROOT, file), sha256(file)])) };
  mkdirSync(dirname(recordFile(step)), { recursive: true });
  const partial = `${recordFile(step)}.${process.pid}.partial`;
  writeFileSync(partial, JSON.stringify(record, null, 1));
  renameSync(partial, recordFile(step));
}

/** Forgets a step's build (before changing its outputs, so that a build that fails midway is never taken as done). */
export function forgetBuild(step: string): void {
  if (existsSync(recordFile(step))) writeFileSync(recordFile(step), '{}');
}

/**
 * Unchanged files are left alone, and a changed one appears at once (rename), never half-written:
 * suites running meanwhile may be reading it (`npm start`'s prestart regenerates the schema code).
 */
export function replaceIfChanged(file: string, contents: Buffer | string): void {
  const bytes = Buffer.from(contents);
  if (existsSync(file) && readFileSync(file).equals(bytes)) return;
  mkdirSync(dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, bytes);
  renameSync(partial, file);
}
