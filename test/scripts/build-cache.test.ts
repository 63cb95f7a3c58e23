/**
 * The build skips a step only when its outputs are up to date with its inputs by content: any
 * change to an input, and any output touched or missing, builds again (a stale bundle is never served).
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { contentHash, filesUnder, forgetBuild, recordBuild, replaceIfChanged, upToDate } from '../../scripts/build-cache';
import { ROOT } from '../support/processes';

const cache = join(ROOT, 'node_modules', '.cache');
mkdirSync(cache, { recursive: true });
const scratch = mkdtempSync(join(cache, 'build-cache-test-'));
const step = `test-${randomUUID()}`;
afterAll(() => {
  forgetBuild(step);
  rmSync(join(cache, 'panther-build', `${step}.json`), { force: true });
  rmSync(scratch, { recursive: true, force: true });
});

const inScratch = (name: string, contents: string) => {
  const file = join(scratch, name);
  writeFileSync(file, contents);
  return file;
};

it('hashes every file under the given paths by name and content, except the skipped ones', () => {
  const source = inScratch('a.ts', 'export const a = 1;');
  mkdirSync(join(scratch, 'generated'), { recursive: true });
  inScratch(join('generated', 'out.js'), 'derived');
  const paths = [relative(ROOT, scratch)];
  const skip = [relative(ROOT, join(scratch, 'generated'))];
  expect(filesUnder(paths, skip)).toEqual([source]);
  const before = contentHash(filesUnder(paths, skip));
  inScratch(join('generated', 'out.js'), 'derived, changed');
  expect(contentHash(filesUnder(paths, skip))).toBe(before);
  inScratch('a.ts', 'export const a = 2;');
  const changed = contentHash(filesUnder(paths, skip));
  expect(changed).not.toBe(before);
  inScratch('b.ts', '');
  expect(contentHash(filesUnder(paths, skip))).not.toBe(changed);
});

it('is up to date only with the recorded inputs and every output as the build left it', () => {
  const output = inScratch('bundle.js', 'built');
  expect(upToDate(step, 'inputs-1')).toBe(false); // never built
  recordBuild(step, 'inputs-1', [output]);
  expect(upToDate(step, 'inputs-1')).toBe(true);
  expect(upToDate(step, 'inputs-2')).toBe(false); // an input changed

  writeFileSync(output, 'touched');
  expect(upToDate(step, 'inputs-1')).toBe(false);
  writeFileSync(output, 'built');
  expect(upToDate(step, 'inputs-1')).toBe(true);
  unlinkSync(output);
  expect(upToDate(step, 'inputs-1')).toBe(false);

  writeFileSync(output, 'built');
  forgetBuild(step); // a build that starts and fails midway
  expect(upToDate(step, 'inputs-1')).toBe(false);
});

it('replaces a file only when its contents change, and then whole (a new file renamed over it)', () => {
  const file = join(scratch, 'out', 'index.js');
  replaceIfChanged(file, 'one');
  expect(readFileSync(file, 'utf8')).toBe('one');
  const first = statSync(file).ino;
  replaceIfChanged(file, Buffer.from('one'));
  expect(statSync(file).ino).toBe(first); // left alone
  replaceIfChanged(file, 'two');
  expect(readFileSync(file, 'utf8')).toBe('two');
  expect(statSync(file).ino).not.toBe(first); // another file, renamed into place
});
