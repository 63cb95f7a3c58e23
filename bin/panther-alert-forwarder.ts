#!/usr/bin/env node
/**
 * The CDK app (`npx --no cdk deploy` runs this): builds it and nothing else. Options: lib/forwarder-app.ts.
 * A problem with the options is the user's to fix, not a crash: its message alone, and exit code 1.
 */
import { App } from 'aws-cdk-lib';
import { buildForwarderApp } from '../lib/forwarder-app';

try {
  buildForwarderApp(new App());
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
