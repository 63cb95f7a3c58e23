#!/usr/bin/env node
// The CLI's entry point: runs the TypeScript source through tsx (installed by npm ci), no build step.
require('tsx/cjs');
require('./panther-forwarder.ts');
