/** Tests always run against validator code freshly generated from the schema. */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export default function globalSetup(): void {
  const root = join(__dirname, '..', '..');
  execFileSync(join(root, 'node_modules', '.bin', 'tsx'), ['scripts/generate-alert-code.ts'], { cwd: root, stdio: 'inherit' });
}
