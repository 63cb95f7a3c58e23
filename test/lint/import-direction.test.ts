/**
 * The import rule holds (npm test runs dependency-cruiser on the whole tree) and would catch a
 * wrong-way import: the same configuration, run on a scratch tree with one, fails naming the rule.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from '../support/processes';

const depcruise = join(ROOT, 'node_modules', '.bin', 'depcruise');

async function cruise(files: Record<string, string>): Promise<{ code: number; output: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'import-direction-'));
  try {
    copyFileSync(join(ROOT, '.dependency-cruiser.cjs'), join(dir, '.dependency-cruiser.cjs'));
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'preserve', moduleResolution: 'bundler' } }));
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    const { stdout } = await promisify(execFile)(depcruise, ['--config', '.dependency-cruiser.cjs', ...Object.keys(files)], { cwd: dir });
    return { code: 0, output: stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string };
    return { code: failed.code, output: failed.stdout };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the import-direction check', () => {
  it.each([
    [
      'the core importing a construct',
      'functions/core/decision.ts',
      "import { x } from '../../lib/construct';",
      'lib/construct.ts',
      'core-is-pure',
    ],
    [
      'an adapter importing local mode',
      'functions/runtime/sender.ts',
      "import { x } from '../../local/server';",
      'local/server.ts',
      'runtime-uses-core-only',
    ],
    [
      'a construct importing an adapter',
      'lib/construct.ts',
      "import { x } from '../functions/runtime/sender';",
      'functions/runtime/sender.ts',
      'infrastructure-loads-no-runtime',
    ],
    ['the CLI importing local mode', 'cli/tail.ts', "import { x } from '../local/server';", 'local/server.ts', 'cli-is-no-local-mode'],
    ['the benchmark importing a test', 'bench/run.ts', "import { x } from '../test/corpus';", 'test/corpus.ts', 'tools-never-import-tests'],
  ])('fails on %s', async (_name, from, importLine, to, rule) => {
    const result = await cruise({ [from]: `${importLine}\nexport const y = x;\n`, [to]: 'export const x = 1;\n' });
    expect(result.code).not.toBe(0);
    expect(result.output).toContain(rule);
  });

  it('fails on a core module only the CLI reaches (core-serves-functions): it belongs in cli/', async () => {
    const result = await cruise({
      'functions/receiver.ts': "import { decide } from './core/decide';\nexport const handler = decide;\n",
      'functions/core/decide.ts': 'export const decide = 1;\n',
      'cli/replay.ts': "import { inParallel } from '../functions/core/in-parallel';\nexport const run = inParallel;\n",
      'functions/core/in-parallel.ts': 'export const inParallel = 1;\n',
    });
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/core-serves-functions: functions\/core\/in-parallel\.ts/);
    expect(result.output).not.toMatch(/core-serves-functions: functions\/core\/decide\.ts/);
  });

  it('passes a core module the CLI shares with a function', async () => {
    const result = await cruise({
      'functions/receiver.ts': "import { decide } from './core/decide';\nexport const handler = decide;\n",
      'cli/replay.ts': "import { decide } from '../functions/core/decide';\nexport const run = decide;\n",
      'functions/core/decide.ts': 'export const decide = 1;\n',
    });
    expect(result).toMatchObject({ code: 0 });
  });

  it('passes the same tree with the import pointing the right way', async () => {
    const result = await cruise({
      'lib/construct.ts': "import { x } from '../functions/core/settings';\nexport const y = x;\n",
      'functions/core/settings.ts': 'export const x = 1;\n',
    });
    expect(result).toMatchObject({ code: 0 });
  });
});
