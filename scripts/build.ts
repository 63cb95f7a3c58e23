/**
 * `npm run build` (also on `npm ci` and `npm pack`): everything the published package holds, in dist/.
 *  - dist/lambda/<name>/index.js: the Lambda bundles the constructs deploy (build-functions.ts);
 *  - dist/lib, dist/functions/core: the constructs and the schema helpers as JavaScript + .d.ts (tsc);
 *  - the standalone validator and the CLI bundled with what they use (ajv's runtime, the AWS SDK), so
 *    that an app installing the package needs only aws-cdk-lib and constructs beside it.
 */
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { buildFunctions } from './build-functions';

const ROOT = join(__dirname, '..');
const DIST = join(ROOT, 'dist');
const GENERATED = join('functions', 'core', 'generated');

/** The validator's declarations without ajv's types: the package does not depend on ajv (it is bundled). */
const PACKAGED_VALIDATOR_TYPES = `import type { PantherAlert } from './panther-alert';
/** ajv's standalone validator of the alert schema: a type guard; after \`false\`, \`errors\` says why. */
declare const validate: {
  (data: unknown): data is PantherAlert;
  errors?: Array<{ keyword: string; instancePath: string; schemaPath: string; params: Record<string, unknown>; message?: string }> | null;
};
export = validate;
`;

async function main(): Promise<void> {
  // The Lambda bundles stay: tests may be deploying them meanwhile (build-functions replaces them safely).
  for (const dir of ['lib', 'functions', 'cli']) rmSync(join(DIST, dir), { recursive: true, force: true });
  await buildFunctions();
  execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.build.json')], {
    stdio: 'inherit',
  });
  const bundle = { bundle: true, platform: 'node' as const, target: 'node20', format: 'cjs' as const, logLevel: 'warning' as const };
  await Promise.all([
    build({
      ...bundle,
      entryPoints: [join(ROOT, GENERATED, 'validate-panther-alert.js')],
      outfile: join(DIST, GENERATED, 'validate-panther-alert.js'),
    }),
    build({
      ...bundle,
      entryPoints: [join(ROOT, 'cli', 'panther-forwarder.ts')],
      outfile: join(DIST, 'cli', 'panther-forwarder.js'),
      mainFields: ['module', 'main'],
      minify: true,
    }),
  ]);
  writeFileSync(join(DIST, GENERATED, 'validate-panther-alert.d.ts'), PACKAGED_VALIDATOR_TYPES);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
