/** What the README tells a library user to run, read from README.md as printed there. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export function readme(root: string): string {
  return readFileSync(join(root, 'README.md'), 'utf8');
}

/** The README's app.js block, exactly as printed. */
export function readmeApp(text: string): string {
  const match = /<!-- app\.js:[^>]*-->\n```js\n([\s\S]*?)```/.exec(text);
  if (!match) throw new Error('README.md has no app.js block');
  return match[1]!;
}

/** The README's `npm install … ./<tarball>` line for the library, as words (no shell quoting in it). */
export function readmeInstall(text: string): string[] {
  const match = /^npm install (aws-cdk-lib [^\n#]*\.tgz)\s*$/m.exec(text);
  if (!match) throw new Error('README.md has no `npm install aws-cdk-lib … .tgz` line');
  return ['install', ...match[1]!.split(/\s+/)];
}

/** Every relative link target of a Markdown text, without its #fragment (web links left out). */
export function relativeLinks(text: string): string[] {
  const targets = [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1]!);
  return [...new Set(targets.filter((target) => !/^[a-z]+:/i.test(target) && !target.startsWith('#')).map((t) => t.split('#')[0]!))];
}
