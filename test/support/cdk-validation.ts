import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { withEnv } from './with-env';

/** cdk.json's context: what `cdk synth` adds to every app (feature flags, validateAgainstDefaultRules). */
export const CDK_JSON_CONTEXT: Readonly<Record<string, unknown>> = (
  JSON.parse(readFileSync(join(__dirname, '..', '..', 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }
).context;

/**
 * aws-cdk-lib validates every synthesized template against CloudFormation's schemas (an error under
 * cdk.json's `@aws-cdk/core:validateAgainstDefaultRules`); the variable below turns that off. The
 * tests run with it off for speed (setup-env.ts) and on where validation is what they check.
 */
export const CDK_VALIDATION_OFF = { CDK_VALIDATION: 'false' } as const;

/** The environment without the switch: a child process started with it validates as a user's `cdk synth` does. */
export function withCdkValidationEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { CDK_VALIDATION: _off, ...rest } = env;
  return rest;
}

/** Runs a synth in this process with the validation on, and restores the switch after. */
export function withCdkValidation<T>(run: () => T): T {
  return withEnv({ CDK_VALIDATION: undefined }, run);
}
