#!/usr/bin/env node
// `npm pack` / `npm publish` ship package.json as it is, with this repository's scripts (`prepare`
// builds with tools the package does not install, and npm warns about it in every app that installs
// the tarball). prepack: `strip` keeps the manifest aside and leaves it without scripts for the
// tarball; postpack: `restore` puts it back. Plain CommonJS: runs before anything is built.
const { existsSync, readFileSync, renameSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const manifest = join(__dirname, '..', 'package.json');
const keptAside = `${manifest}.before-pack`;

const step = process.argv[2];
if (step === 'strip') {
  // A pack that failed after stripping never restored: start again from the kept manifest.
  if (existsSync(keptAside)) renameSync(keptAside, manifest);
  const text = readFileSync(manifest, 'utf8');
  writeFileSync(keptAside, text);
  const { scripts: _devOnly, ...shipped } = JSON.parse(text);
  writeFileSync(manifest, `${JSON.stringify(shipped, null, 2)}\n`);
} else if (step === 'restore') {
  if (existsSync(keptAside)) renameSync(keptAside, manifest);
} else {
  console.error('usage: node scripts/pack-manifest.cjs strip|restore');
  process.exitCode = 2;
}
