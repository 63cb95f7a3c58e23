/**
 * CI, after `npm test` (which stays offline, on the pinned aws-cdk-lib): the README's library example
 * against the newest aws-cdk-lib, constructs and cdk-nag the npm registry has, as a new user gets
 * them today. Packs this repository, runs the README's `npm install` line as printed in an empty
 * temporary folder, then its app.js; exit 1 unless the stack synthesizes, cdk-nag clean.
 *   node --import tsx test/package/newest-cdk.ts
 */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { readme, readmeApp, readmeInstall } from './readme';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'panther-newest-cdk-'));
  try {
    const text = readme(ROOT);
    const install = readmeInstall(text);
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', work], { cwd: ROOT, timeout: 300_000 });
    const packed = (JSON.parse(stdout) as Array<{ filename: string }>)[0]!.filename;
    const named = basename(install.at(-1)!);
    if (packed !== named) throw new Error(`npm pack made ${packed}, the README installs ${named}`);

    const app = join(work, 'my-cdk-app');
    mkdirSync(app);
    copyFileSync(join(work, packed), join(app, named));
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'my-cdk-app', private: true }));
    const installed = await run('npm', [...install, '--no-audit', '--no-fund'], { cwd: app, timeout: 300_000 });
    if (/install-scripts|prepare/.test(installed.stderr)) throw new Error(`npm warned while installing:\n${installed.stderr}`);
    const versions = ['aws-cdk-lib', 'constructs', 'cdk-nag']
      .map((name) => `${name} ${JSON.parse(readFileSync(join(app, 'node_modules', name, 'package.json'), 'utf8')).version}`)
      .join(', ');
    console.log(`newest CDK: installed ${versions}`);

    writeFileSync(join(app, 'app.js'), readmeApp(text));
    await run(process.execPath, ['app.js'], { cwd: app, timeout: 300_000 }).catch((error: { stdout?: string; stderr?: string }) => {
      throw new Error(`node app.js failed:\n${error.stdout ?? ''}${error.stderr ?? ''}`.slice(0, 20_000));
    });
    if (!existsSync(join(app, 'cdk.out', 'Alerts.template.json'))) throw new Error('node app.js synthesized no Alerts stack');
    console.log('newest CDK: the README app synthesizes, cdk-nag clean');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(`newest CDK: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
