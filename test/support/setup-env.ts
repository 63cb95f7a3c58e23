import { CDK_VALIDATION_OFF } from './cdk-validation';

// The Lambda runs Node.js 24; the SDK's notice about Node.js 20 concerns only this test machine.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// aws-cdk-lib's built-in CloudFormation validation costs about 1 s of CPU per synth, four times the
// synth itself, and the suites synthesize well over a hundred stacks. It is off here except where it
// is the subject: test/lib/cloudformation-validation.test.ts runs it on every template kind, and the
// real `cdk synth` runs (receiver bundle, the app's own bin) put it back for their child processes.
process.env.CDK_VALIDATION ??= CDK_VALIDATION_OFF.CDK_VALIDATION;
