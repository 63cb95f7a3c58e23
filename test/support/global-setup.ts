/**
 * Tests always run against validator code, Lambda bundles and a package (dist/) built from the
 * source as it is now: the whole `npm run build`, once, before any test. Each step skips itself when
 * its outputs are up to date with its inputs (scripts/build-cache.ts), so the builds that tests run
 * later (`cdk synth`, `npm pack`'s prepare) find nothing to do, and change nothing another suite reads.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export default function globalSetup(): void {
  const root = join(__dirname, '..', '..');
  execFileSync(process.execPath, ['--import', 'tsx', 'scripts/build.ts'], { cwd: root, stdio: 'inherit' });
}
