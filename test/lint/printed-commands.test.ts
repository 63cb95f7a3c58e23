/**
 * Every command the project prints or documents is safe to paste: `npx` never installs a package
 * (`npx --no …` runs what is installed or fails; without `--no`, outside a clone npm would fetch and
 * run whatever the registry has under that name), and every CLI invocation in the documents parses
 * against the CLI's own help (its commands and their options).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildForwarderApp } from '../../lib/forwarder-app';
import { cli } from '../support/cli';
import { ROOT } from '../support/processes';

const DOCUMENTS = [
  'README.md',
  'ARCHITECTURE.md',
  'BENCHMARKS.md',
  'CHANGELOG.md',
  'test/fixtures/panther/CONTRACT.md',
  ...readdirSync(join(ROOT, 'docs')).map((name) => `docs/${name}`),
];
/** Where printed lines and outputs are written. */
const SOURCE_DIRS = ['local', 'cli', 'lib', 'bin'];

const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');
/** Each `npx` that may install what it runs, as `file:line: text`. */
function installingNpx(file: string, text: string): string[] {
  return text
    .split('\n')
    .flatMap((line, n) => ([...line.matchAll(/\bnpx (?!--no )/g)].length > 0 ? [`${file}:${n + 1}: ${line.trim()}`] : []));
}

describe('commands that are safe to paste', () => {
  it('no document runs npx without --no', () => {
    expect(DOCUMENTS.flatMap((file) => installingNpx(file, read(file)))).toEqual([]);
  });

  it('no line local mode or the CLI prints, and no construct output, runs npx without --no', () => {
    const sources = SOURCE_DIRS.flatMap((dir) =>
      readdirSync(join(ROOT, dir))
        .filter((name) => /\.(ts|cjs)$/.test(name))
        .map((name) => `${dir}/${name}`),
    );
    expect(sources.flatMap((file) => installingNpx(file, read(file)))).toEqual([]);
  });

  it('the synthesized stack, with every optional part, outputs only npx --no commands', () => {
    const context = { routes: '[{"name":"paging","severities":["HIGH"]}]', pantherAccountId: '123456789012', exampleConsumer: 'true' };
    const outputs = JSON.stringify(Template.fromStack(buildForwarderApp(new App({ context }))).toJSON().Outputs);
    expect(outputs).toContain('npx --no panther-forwarder redrive');
    expect(outputs).toContain('npx --no panther-forwarder replay');
    expect(installingNpx('Outputs', outputs.replaceAll('","', '').replaceAll('\\n', '\n'))).toEqual([]);
  });
});

/** The CLI's help, as a table: each command and the options its help names. */
async function cliTable(): Promise<Map<string, Set<string>>> {
  const { stdout } = await cli(['help']);
  const table = new Map<string, Set<string>>();
  let command: string | undefined;
  for (const line of stdout.split('\n')) {
    const heading = /^ {2}([a-z][a-z-]*)\b/.exec(line);
    if (heading) command = heading[1]!;
    else if (!line.startsWith('      ')) command = undefined;
    if (command === undefined) continue;
    const options = table.get(command) ?? new Set<string>();
    for (const [option] of line.matchAll(/--[a-z][a-z-]*/g)) options.add(option);
    table.set(command, options);
  }
  return table;
}

/** Every CLI invocation written in the documents: after `npx --no panther-forwarder` or `node cli/panther-forwarder.cjs`, or a code span starting with a command. */
function documentedInvocations(commands: readonly string[]): Array<{ where: string; words: string[] }> {
  const startsWithCommand = new RegExp(`\`((?:${commands.join('|')}) [^\`]*)\``, 'g');
  return DOCUMENTS.flatMap((file) =>
    read(file)
      .split('\n')
      .flatMap((line, n) => {
        const where = `${file}:${n + 1}`;
        const afterNpx = [...line.matchAll(/(?:npx --no panther-forwarder|node cli\/panther-forwarder\.cjs) ([^`\n#(]*)/g)].map(
          (match) => match[1]!,
        );
        const spans = [...line.matchAll(startsWithCommand)].map((match) => match[1]!);
        return [...afterNpx, ...spans].map((invocation) => ({ where, words: invocation.trim().split(/\s+/) }));
      }),
  );
}

describe('CLI invocations in the documents', () => {
  it('name a command the CLI has and only options of that command', async () => {
    const table = await cliTable();
    expect([...table.keys()]).toEqual(expect.arrayContaining(['send-test-alert', 'tail', 'validate', 'redrive', 'replay', 'stats']));
    const invocations = documentedInvocations([...table.keys()].filter((command) => command !== 'help'));
    expect(invocations.length).toBeGreaterThan(20);
    const wrong = invocations.flatMap(({ where, words: [command, ...args] }) => {
      if (command === '--help') return [];
      const options = table.get(command!);
      if (options === undefined) return [`${where}: no command ${command}`];
      return args.filter((word) => word.startsWith('--') && !options.has(word)).map((option) => `${where}: ${command} has no ${option}`);
    });
    expect(wrong).toEqual([]);
  }, 60_000);
});
