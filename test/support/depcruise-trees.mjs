/**
 * Runs the `depcruise` command line, as npm run lint does, on several scratch trees in one process:
 * dependency-cruiser and the TypeScript it loads are read once instead of once a tree.
 *   node test/support/depcruise-trees.mjs <tree folder>...
 * Each folder holds .dependency-cruiser.cjs and the files to cruise; prints a JSON array of
 * { code, output }, one per folder, in order.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';

const root = join(import.meta.dirname, '..', '..');
// The command line's own entry (package.json exports only the API): the same option handling as the bin.
const { default: depcruise } = await import(
  pathToFileURL(join(root, 'node_modules', 'dependency-cruiser', 'src', 'cli', 'index.mjs')).href
);

/** Every file under a folder, as paths relative to it. */
function filesIn(dir, under = dir) {
  return readdirSync(under).flatMap((name) => {
    const path = join(under, name);
    if (statSync(path).isDirectory()) return filesIn(dir, path);
    return name.startsWith('.') || name === 'tsconfig.json' ? [] : [relative(dir, path)];
  });
}

const results = [];
for (const dir of process.argv.slice(2)) {
  process.chdir(dir);
  const files = filesIn(dir);
  let messages = '';
  const collect = new Writable({
    write(chunk, _encoding, done) {
      messages += chunk;
      done();
    },
  });
  // The report goes to a file (`--output-to`): the command line writes it to process.stdout otherwise.
  const code = await depcruise(files, { config: '.dependency-cruiser.cjs', outputTo: '.report' }, { stdout: collect, stderr: collect });
  results.push({ code, output: readFileSync('.report', 'utf8') + messages });
}
process.stdout.write(JSON.stringify(results));
