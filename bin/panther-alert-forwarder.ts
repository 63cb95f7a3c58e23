#!/usr/bin/env node
/** The CDK app: builds the stack and nothing else. `npx cdk deploy` runs this. */
import { App } from 'aws-cdk-lib';
import { PantherAlertForwarderStack } from '../lib/panther-alert-forwarder-stack';

const app = new App();
new PantherAlertForwarderStack(app, 'PantherAlertForwarder', {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
