#!/usr/bin/env node
// The CLI's entry point. In this repository: the TypeScript source through tsx (no build step, always
// current). In the installed package, which ships no source: the bundle `npm run build` made.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

if (existsSync(join(__dirname, 'panther-forwarder.ts'))) {
  require('tsx/cjs');
  require('./panther-forwarder.ts').main();
} else {
  require('../dist/cli/panther-forwarder.js').main();
}
