/**
 * The project's functions as the constructs deploy them: Node.js 24 on arm64, each with its own role
 * and log group, their code from bundles prebuilt by `npm run build` (scripts/build-functions.ts) and
 * shipped in the package, so an app that installs this package needs no esbuild, TypeScript or schema
 * generator of its own. cdk.json rebuilds them before every synth of this repository's app.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

/** The functions this package ships. */
export type FunctionName = 'receiver' | 'example-consumer' | 'inbox-processor';

/** Compiled, the constructs live in dist/lib (bundles in dist/lambda); from source, in lib. */
const BUNDLES = [join(__dirname, '..', 'lambda'), join(__dirname, '..', 'dist', 'lambda')];

function functionCode(name: FunctionName): lambda.Code {
  const dir = BUNDLES.map((root) => join(root, name)).find((candidate) => existsSync(join(candidate, 'index.js')));
  if (dir === undefined) throw new Error(`the ${name} Lambda bundle is missing: run npm run build (looked in ${BUNDLES.join(', ')})`);
  return lambda.Code.fromAsset(dir);
}

/** What a function adds to the shared settings: its description, memory, timeout, environment… */
export type BundledFunctionProps = Omit<lambda.FunctionProps, 'code' | 'runtime' | 'architecture' | 'handler' | 'role' | 'logGroup'>;

/** One of the shipped functions, with its own role and log group (`id` names all three). */
export function bundledFunction(
  scope: Construct,
  id: string,
  name: FunctionName,
  logRetention: logs.RetentionDays,
  props: BundledFunctionProps,
): lambda.Function {
  const { role, logGroup } = functionRole(scope, id, logRetention);
  const fn = new lambda.Function(scope, id, {
    runtime: LAMBDA_RUNTIME,
    architecture: lambda.Architecture.ARM_64,
    handler: 'index.handler',
    code: functionCode(name),
    role,
    logGroup,
    ...props,
  });
  Validations.of(fn).acknowledge(PINNED_RUNTIME_ACKNOWLEDGEMENT);
  return fn;
}

/**
 * The runtime the bundles are built for (esbuild's target) and tested on. Fixed, not the newest
 * the app's aws-cdk-lib knows: a new Node.js major is a release of this package, tested, and named in
 * CHANGELOG.md, never a silent switch when a user bumps aws-cdk-lib.
 */
export const LAMBDA_RUNTIME = lambda.Runtime.NODEJS_24_X;

/**
 * cdk-nag's AwsSolutions-L1 wants the newest runtime of the family that the app's aws-cdk-lib knows,
 * so a newer aws-cdk-lib fails synth on a supported runtime. Acknowledged on these functions only
 * (docs/deploy.md, tested): the rule still checks every function of the user's own.
 */
export const PINNED_RUNTIME_ACKNOWLEDGEMENT = {
  id: 'AwsSolutions-L1',
  reason: `The bundles are built and tested for ${LAMBDA_RUNTIME.name} (still supported by Lambda); the package moves to a newer runtime in a tested release.`,
};

/**
 * A function's own role and log group: its logs go to that group only, instead of the managed
 * AWSLambdaBasicExecutionRole (cdk-nag IAM4).
 */
function functionRole(scope: Construct, id: string, retention: logs.RetentionDays): { role: iam.Role; logGroup: logs.LogGroup } {
  const logGroup = new logs.LogGroup(scope, `${id}Logs`, { retention });
  const role = new iam.Role(scope, `${id}Role`, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  role.addToPolicy(
    new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [`${logGroup.logGroupArn}:*`] }),
  );
  Validations.of(role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::<${Stack.of(scope).getLogicalId(logGroup.node.defaultChild as logs.CfnLogGroup)}.Arn>:*]`,
    reason: 'Lambda names its log streams at run time; the grant is limited to the function’s own log group.',
  });
  return { role, logGroup };
}
