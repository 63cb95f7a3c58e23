#!/usr/bin/env node
/** The CDK app (`npx --no cdk deploy` runs this): builds it and nothing else. Options: lib/forwarder-app.ts. */
import { App } from 'aws-cdk-lib';
import { buildForwarderApp } from '../lib/forwarder-app';

buildForwarderApp(new App());
