/**
 * The Lambda code the constructs deploy: bundles prebuilt by `npm run build` (scripts/build-functions.ts)
 * and shipped in the package, so an app that installs this package needs no esbuild, TypeScript or
 * schema generator of its own. cdk.json rebuilds them before every synth of this repository's app.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as lambda from 'aws-cdk-lib/aws-lambda';

/** The functions this package ships. */
export type FunctionName = 'receiver' | 'example-consumer';

/** Compiled, the constructs live in dist/lib (bundles in dist/lambda); from source, in lib. */
const BUNDLES = [join(__dirname, '..', 'lambda'), join(__dirname, '..', 'dist', 'lambda')];

export function functionCode(name: FunctionName): lambda.Code {
  const dir = BUNDLES.map((root) => join(root, name)).find((candidate) => existsSync(join(candidate, 'index.js')));
  if (dir === undefined) throw new Error(`the ${name} Lambda bundle is missing: run npm run build (looked in ${BUNDLES.join(', ')})`);
  return lambda.Code.fromAsset(dir);
}

/** What every function of the project shares: Node.js 24 on arm64, its code from the bundles above. */
export const FUNCTION_RUNTIME = { runtime: lambda.Runtime.NODEJS_24_X, architecture: lambda.Architecture.ARM_64, handler: 'index.handler' };
