/** Tests always run against validator code and Lambda bundles freshly built from the source. */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export default function globalSetup(): void {
  const root = join(__dirname, '..', '..');
  execFileSync(process.execPath, ['--import', 'tsx', 'scripts/build-functions.ts'], { cwd: root, stdio: 'inherit' });
}
