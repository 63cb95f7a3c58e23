/**
 * The import rule holds (npm test runs dependency-cruiser on the whole tree) and would catch a
 * wrong-way import: the same configuration, run on a scratch tree with one, fails naming the rule.
 * Every scratch tree is cruised by one process (test/support/depcruise-trees.mjs), each in its own folder.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from '../support/processes';

type Tree = Readonly<Record<string, string>>;
interface Cruised {
  readonly code: number;
  readonly output: string;
}

const WRONG_WAY: ReadonlyArray<readonly [name: string, from: string, importLine: string, to: string, rule: string]> = [
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
];

const TREES: Readonly<Record<string, Tree>> = {
  ...Object.fromEntries(
    WRONG_WAY.map(([name, from, importLine, to]) => [
      name,
      { [from]: `${importLine}\nexport const y = x;\n`, [to]: 'export const x = 1;\n' },
    ]),
  ),
  'core module only the CLI reaches': {
    'functions/receiver.ts': "import { decide } from './core/decide';\nexport const handler = decide;\n",
    'functions/core/decide.ts': 'export const decide = 1;\n',
    'cli/replay.ts': "import { inParallel } from '../functions/core/in-parallel';\nexport const run = inParallel;\n",
    'functions/core/in-parallel.ts': 'export const inParallel = 1;\n',
  },
  'core module shared by the CLI and a function': {
    'functions/receiver.ts': "import { decide } from './core/decide';\nexport const handler = decide;\n",
    'cli/replay.ts': "import { decide } from '../functions/core/decide';\nexport const run = decide;\n",
    'functions/core/decide.ts': 'export const decide = 1;\n',
  },
  'right way': {
    'lib/construct.ts': "import { x } from '../functions/core/settings';\nexport const y = x;\n",
    'functions/core/settings.ts': 'export const x = 1;\n',
  },
};

const scratch = mkdtempSync(join(tmpdir(), 'import-direction-'));
const cruised: Record<string, Cruised> = {};

beforeAll(async () => {
  const dirs = Object.entries(TREES).map(([name, files], index) => {
    const dir = join(scratch, String(index));
    mkdirSync(dir);
    copyFileSync(join(ROOT, '.dependency-cruiser.cjs'), join(dir, '.dependency-cruiser.cjs'));
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'preserve', moduleResolution: 'bundler' } }));
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    return [name, dir] as const;
  });
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [join(ROOT, 'test', 'support', 'depcruise-trees.mjs'), ...dirs.map(([, dir]) => dir)],
    {
      cwd: ROOT,
    },
  );
  const results = JSON.parse(stdout) as Cruised[];
  dirs.forEach(([name], index) => {
    cruised[name] = results[index]!;
  });
}, 60_000);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the import-direction check', () => {
  it.each(WRONG_WAY)('fails on %s', (name, _from, _importLine, _to, rule) => {
    expect(cruised[name]!.code).not.toBe(0);
    expect(cruised[name]!.output).toContain(rule);
  });

  it('fails on a core module only the CLI reaches (core-serves-functions): it belongs in cli/', () => {
    const result = cruised['core module only the CLI reaches']!;
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/core-serves-functions: functions\/core\/in-parallel\.ts/);
    expect(result.output).not.toMatch(/core-serves-functions: functions\/core\/decide\.ts/);
  });

  it('passes a core module the CLI shares with a function', () => {
    expect(cruised['core module shared by the CLI and a function']).toMatchObject({ code: 0 });
  });

  it('passes the same tree with the import pointing the right way', () => {
    expect(cruised['right way']).toMatchObject({ code: 0 });
  });

  it('reports each tree on its own: cruised in the reverse order, every tree reports the same', async () => {
    const dirs = Object.keys(TREES).map((_name, index) => join(scratch, String(index)));
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [join(ROOT, 'test', 'support', 'depcruise-trees.mjs'), ...dirs.reverse()],
      {
        cwd: ROOT,
      },
    );
    expect((JSON.parse(stdout) as Cruised[]).reverse()).toEqual(Object.keys(TREES).map((name) => cruised[name]));
  });
});
