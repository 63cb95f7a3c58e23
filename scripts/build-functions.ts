/**
 * Build step: the Lambda bundles (dist/lambda/<name>/index.js), one self-contained CommonJS file
 * per function with the SDK, middy and the standalone validator inside. Runs after the schema
 * code generation on `npm run build`, before every test run and before every `cdk synth` here.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type BuildOptions, build } from 'esbuild';
import { generateAlertCode } from './generate-alert-code';

const ROOT = join(__dirname, '..');
export const BUNDLE_DIR = join(ROOT, 'dist', 'lambda');

/** How every Lambda bundle is built (the benchmark builds its peers the same way). */
export const LAMBDA_BUILD_OPTIONS = {
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'cjs',
  minify: true,
  // Prefer the SDK's ES modules: they tree-shake (a smaller, faster-loading bundle).
  mainFields: ['module', 'main'],
  logLevel: 'warning',
} satisfies BuildOptions;

export async function buildFunctions(): Promise<void> {
  await generateAlertCode();
  await Promise.all(
    ['receiver', 'example-consumer'].map(async (name) => {
      const outfile = join(BUNDLE_DIR, name, 'index.js');
      const built = await build({ ...LAMBDA_BUILD_OPTIONS, entryPoints: [join(ROOT, 'functions', `${name}.ts`)], outfile, write: false });
      replaceIfChanged(outfile, Buffer.from(built.outputFiles[0]!.contents));
    }),
  );
}

/** Unchanged bundles are left alone, and a changed one appears at once (rename), never half-written. */
function replaceIfChanged(file: string, contents: Buffer): void {
  if (existsSync(file) && readFileSync(file).equals(contents)) return;
  mkdirSync(dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, contents);
  renameSync(partial, file);
}

if (require.main === module) {
  buildFunctions().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
