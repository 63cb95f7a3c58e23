/**
 * The construct as a library: `npm pack` this repository, install the tarball into a new CDK app in
 * an empty temporary folder (offline: aws-cdk-lib, constructs and cdk-nag linked from this
 * repository's node_modules), and run the README's app.js, which synthesizes a stack with a route
 * under cdk-nag. No TypeScript runner, esbuild or schema generator is installed in that app.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { withCdkValidationEnv } from '../support/cdk-validation';
import { ROOT } from '../support/processes';
import { readme, readmeApp, relativeLinks } from './readme';

const run = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), 'panther-pack-'));
const app = join(work, 'my-cdk-app');
const guard = join(ROOT, 'test', 'support', 'offline-guard.cjs');
const guardLog = join(work, 'offline-guard.log');
/**
 * Every node process here is offline: the guard refuses and records any non-loopback connection. The
 * apps synthesize as a user's do, with aws-cdk-lib's CloudFormation validation.
 */
const env = withCdkValidationEnv({
  ...process.env,
  OFFLINE_GUARD_LOG: guardLog,
  NODE_OPTIONS: `--require ${JSON.stringify(guard)}`,
  npm_config_update_notifier: 'false',
});

let tarball: string;
/** What npm printed on stderr while installing the tarball into the app. */
let installWarnings: string;
let template: { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };

beforeAll(async () => {
  writeFileSync(guardLog, '');
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', work], { cwd: ROOT, env, timeout: 180_000 });
  tarball = join(work, (JSON.parse(stdout) as Array<{ filename: string }>)[0]!.filename);

  const linked = (name: string) => `file:${join(ROOT, 'node_modules', name)}`;
  mkdirSync(app);
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({
      name: 'my-cdk-app',
      private: true,
      dependencies: {
        'aws-cdk-lib': linked('aws-cdk-lib'),
        constructs: linked('constructs'),
        'cdk-nag': linked('cdk-nag'),
        'panther-alert-forwarder': `file:${tarball}`,
      },
    }),
  );
  const installed = await run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], {
    cwd: app,
    env,
    timeout: 120_000,
  });
  installWarnings = installed.stderr;
  writeFileSync(join(app, 'app.js'), readmeApp(readme(ROOT)));
  await run(process.execPath, ['app.js'], { cwd: app, env, timeout: 120_000 });
  template = JSON.parse(readFileSync(join(app, 'cdk.out', 'Alerts.template.json'), 'utf8'));
}, 400_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the packed construct in a new CDK app', () => {
  it('installs with only aws-cdk-lib and constructs (and cdk-nag) beside it: no TypeScript runner, esbuild or generator', () => {
    const installed = readdirSync(join(app, 'node_modules')).sort();
    expect(installed).toEqual(['.bin', '.package-lock.json', 'aws-cdk-lib', 'cdk-nag', 'constructs', 'panther-alert-forwarder']);
    const pkg = join(app, 'node_modules', 'panther-alert-forwarder');
    expect(existsSync(join(pkg, 'dist', 'lib', 'index.d.ts'))).toBe(true);
    expect(existsSync(join(pkg, 'lib'))).toBe(false); // compiled only: no TypeScript source
  });

  it('synthesizes the stack with its route, cdk-nag clean, deploying the Lambda bundles the package ships', () => {
    const queues = Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::SQS::Queue');
    expect(queues.filter(([id]) => id.includes('RoutePaging'))).toHaveLength(2); // the route's queue and its dead-letter queue
    const assets = readdirSync(join(app, 'cdk.out')).filter((name) => name.startsWith('asset.'));
    const shipped = readFileSync(join(app, 'node_modules', 'panther-alert-forwarder', 'dist', 'lambda', 'receiver', 'index.js'));
    expect(
      assets.some(
        (asset) =>
          existsSync(join(app, 'cdk.out', asset, 'index.js')) && readFileSync(join(app, 'cdk.out', asset, 'index.js')).equals(shipped),
      ),
    ).toBe(true);
  });

  it('ships type declarations that a TypeScript app compiles against, props and all', async () => {
    writeFileSync(
      join(app, 'check.ts'),
      [
        "import { App, Stack } from 'aws-cdk-lib';",
        "import { isPantherAlert, PantherAlertForwarder, type PantherAlert } from 'panther-alert-forwarder';",
        "const forwarder = new PantherAlertForwarder(new Stack(new App(), 'S'), 'F', { routes: [{ name: 'paging', severities: ['HIGH'] }], fifo: true });",
        'const queueUrl: string = forwarder.alertQueue.queueUrl;',
        'const alert: unknown = {}; if (isPantherAlert(alert)) { const typed: PantherAlert = alert; void typed.severity; }',
        'void queueUrl;',
        // A wrong prop type must not compile: the declarations are real, not `any`.
        "// @ts-expect-error severities take the schema's values",
        "new PantherAlertForwarder(new Stack(new App(), 'T'), 'F', { routes: [{ name: 'x', severities: ['URGENT'] }] });",
      ].join('\n'),
    );
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const args = ['--noEmit', '--strict', '--skipLibCheck', '--module', 'nodenext', '--moduleResolution', 'nodenext', 'check.ts'];
    const compiled = await run(process.execPath, [tsc, ...args], { cwd: app, env }).then(
      () => 'no errors',
      (error: { stdout: string }) => error.stdout,
    );
    expect(compiled).toBe('no errors');
    // tsc over aws-cdk-lib's declarations: CPU-bound, and it shares the cores with the other suites' workers.
  }, 120_000);

  it('ships the CLI, which runs without the TypeScript source', async () => {
    const example = join(ROOT, 'test', 'fixtures', 'panther', 'examples', 'test-alert.json');
    const { stdout } = await run(join(app, 'node_modules', '.bin', 'panther-forwarder'), ['validate', example], { cwd: app, env });
    expect(stdout).toContain('test-alert.json: ok (INFO RULE Test.Alert)');
  });

  it('takes an existing alert queue: the receiver sends to it, monitoring watches it, no alert queue of its own', async () => {
    writeFileSync(
      join(app, 'existing.js'),
      [
        "const { App, Stack } = require('aws-cdk-lib');",
        "const sqs = require('aws-cdk-lib/aws-sqs');",
        "const { ForwarderMonitoring, PantherAlertForwarder } = require('panther-alert-forwarder');",
        "const app = new App({ outdir: 'cdk.existing' });",
        "const stack = new Stack(app, 'Existing', { env: { account: '111111111111', region: 'eu-west-1' } });",
        "const existingQueue = sqs.Queue.fromQueueArn(stack, 'Team', 'arn:aws:sqs:eu-west-1:111111111111:team-alerts');",
        "const existingDeadLetterQueue = sqs.Queue.fromQueueArn(stack, 'TeamDlq', 'arn:aws:sqs:eu-west-1:111111111111:team-alerts-dlq');",
        "const forwarder = new PantherAlertForwarder(stack, 'Forwarder', { existingQueue, existingDeadLetterQueue });",
        "new ForwarderMonitoring(stack, 'Monitoring', { forwarder, alarmEmails: ['ops@example.com'] });",
        'app.synth();',
      ].join('\n'),
    );
    await run(process.execPath, ['existing.js'], { cwd: app, env, timeout: 120_000 });
    const existing = JSON.parse(readFileSync(join(app, 'cdk.existing', 'Existing.template.json'), 'utf8')) as typeof template;
    const resources = Object.entries(existing.Resources);
    // Of the alert path's queues only the quarantine is created (the archive queue pair is the archive's).
    const alertPath = resources.filter(([id, r]) => r.Type === 'AWS::SQS::Queue' && !id.includes('Archiving'));
    expect(alertPath.map(([id]) => id)).toEqual([expect.stringContaining('QuarantineQueue')]);
    const receiver = resources.find(([, r]) => r.Type === 'AWS::Lambda::Function' && JSON.stringify(r.Properties).includes('SECRET_ID'))!;
    expect(JSON.stringify(receiver[1].Properties)).toContain('team-alerts');
    const watched = resources.filter(
      ([, r]) => r.Type === 'AWS::CloudWatch::Alarm' && JSON.stringify(r.Properties).includes('"team-alerts"'),
    );
    expect(watched.length).toBeGreaterThan(0);
  }, 120_000);

  it('ships a manifest without the repository’s scripts (npm warns about a `prepare` in every app that installs it)', () => {
    const shipped = JSON.parse(readFileSync(join(app, 'node_modules', 'panther-alert-forwarder', 'package.json'), 'utf8'));
    expect(shipped.scripts).toBeUndefined();
    expect(installWarnings).not.toMatch(/install-scripts|prepare/);
    // Packing put the repository's own manifest back.
    expect(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts.prepare).toBeDefined();
    expect(existsSync(join(ROOT, 'package.json.before-pack'))).toBe(false);
  });

  it('ships the Apache-2.0 license text and every file the README links to', () => {
    const pkg = join(app, 'node_modules', 'panther-alert-forwarder');
    expect(readFileSync(join(pkg, 'LICENSE'), 'utf8')).toContain('Apache License\n                           Version 2.0, January 2004');
    const links = relativeLinks(readFileSync(join(pkg, 'README.md'), 'utf8'));
    expect(links).toContain('docs/deploy.md');
    expect(links.filter((link) => !existsSync(join(pkg, link)))).toEqual([]);
  });

  it('made no network request while packing, installing and synthesizing', () => {
    expect(readFileSync(guardLog, 'utf8')).toBe('');
  });
});
