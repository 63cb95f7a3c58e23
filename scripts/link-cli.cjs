#!/usr/bin/env node
// `npm ci` in this repository (prepare): links the CLI into node_modules/.bin, as npm does for an
// installed package's bin. Without it `npx panther-forwarder` finds no local bin and has npm install
// this folder as a package (a ~20 s rebuild on every first call), and outside a clone it would fetch
// whatever the registry has under that name; `npx --no panther-forwarder` now runs this CLI at once.
const { mkdirSync, readlinkSync, rmSync, symlinkSync } = require('node:fs');
const { join, relative } = require('node:path');

const root = join(__dirname, '..');
const { bin } = require(join(root, 'package.json'));
const binDir = join(root, 'node_modules', '.bin');
mkdirSync(binDir, { recursive: true });
for (const [name, target] of Object.entries(bin)) {
  const link = join(binDir, name);
  const pointsTo = relative(binDir, join(root, target));
  try {
    if (readlinkSync(link) === pointsTo) continue;
  } catch {
    // no link yet
  }
  rmSync(link, { force: true });
  symlinkSync(pointsTo, link);
}
