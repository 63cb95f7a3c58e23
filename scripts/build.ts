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
import { contentHash, filesUnder, forgetBuild, recordBuild, upToDate } from './build-cache';
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

const PACKAGE_OUTPUTS = ['lib', 'functions', 'cli'].map((dir) => join('dist', dir));

/** What tsc and the bundles below read: the sources, the build scripts, the configs and the installed packages. */
function packageInputs(): string {
  return contentHash(
    filesUnder(
      [
        'lib',
        'functions',
        'cli',
        'scripts',
        'package.json',
        'package-lock.json',
        'tsconfig.json',
        'tsconfig.build.json',
        'node_modules/.package-lock.json',
      ],
      [GENERATED],
    ),
  );
}

async function main(): Promise<void> {
  await buildFunctions();
  const inputs = packageInputs();
  if (upToDate('package', inputs)) return;
  forgetBuild('package');
  // The Lambda bundles stay: tests may be deploying them meanwhile (build-functions replaces them safely).
  for (const dir of PACKAGE_OUTPUTS) rmSync(join(ROOT, dir), { recursive: true, force: true });
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
  recordBuild('package', inputs, filesUnder(PACKAGE_OUTPUTS));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
