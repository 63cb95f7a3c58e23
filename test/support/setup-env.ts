import { CDK_VALIDATION_OFF } from './cdk-validation';

// The Lambda runs Node.js 24; the SDK's notice about Node.js 20 concerns only this test machine.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// aws-cdk-lib's built-in CloudFormation validation costs about 1 s of CPU per synth, four times the
// synth itself, and the suites synthesize well over a hundred stacks. It is off here except where it
// is the subject: test/lib/cloudformation-validation.test.ts runs it over every context key, and the
// apps run as a user runs them (the real `cdk synth` of the receiver bundle, the app's own bin, the
// README's app from the packed package) put it back for their child processes (withCdkValidationEnv).
process.env.CDK_VALIDATION ??= CDK_VALIDATION_OFF.CDK_VALIDATION;
