/**
 * `.ci/run`: cfn-lint (a Python tool, so not part of the offline `npm test`) over the templates a
 * user deploys: the stack with no context, the stack with every optional part, and the three rules of
 * docs/subscribe.md in a consumer's app. Exit code: cfn-lint's (0 clean). `.cfnlintrc` says which
 * finding is acknowledged and why.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { buildForwarderApp } from '../../lib/forwarder-app';
import { EVERY_OPTION } from '../lib/fixtures/every-option';
import { subscribe } from '../lib/fixtures/subscriber-rules';

const out = mkdtempSync(join(tmpdir(), 'cfn-lint-'));
try {
  const templates: string[] = [];
  for (const [name, context] of [
    ['default', {}],
    ['every-option', EVERY_OPTION],
  ] as const) {
    const app = new App({ outdir: join(out, name), context });
    const stack = buildForwarderApp(app);
    app.synth();
    templates.push(join(out, name, stack.templateFile));
  }
  const rulesApp = new App({ outdir: join(out, 'rules') });
  const consumer = new Stack(rulesApp, 'Consumer', { env: { account: '210987654321', region: 'eu-west-1' } });
  subscribe(consumer, 'arn:aws:events:eu-west-1:123456789012:event-bus/PantherAlertForwarderEventBus');
  rulesApp.synth();
  templates.push(join(out, 'rules', consumer.templateFile));
  console.log(`cfn-lint over ${templates.length} templates: default, every option, docs/subscribe.md's rules`);
  execFileSync('cfn-lint', ['--', ...templates], { stdio: 'inherit' });
  console.log('cfn-lint: clean');
} finally {
  rmSync(out, { recursive: true, force: true });
}
