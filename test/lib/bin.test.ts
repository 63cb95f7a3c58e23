/**
 * `cdk synth` with bad context, as the CLI runs the app (context in CDK_CONTEXT_JSON): the problems'
 * message alone on stderr, no Node stack trace, exit code 1.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { withCdkValidationEnv } from '../support/cdk-validation';
import { ROOT } from '../support/processes';

async function runApp(context: Record<string, string>): Promise<{ code: number; stderr: string }> {
  const outdir = mkdtempSync(join(tmpdir(), 'cdk-out-'));
  try {
    await promisify(execFile)(process.execPath, ['--import', 'tsx', 'bin/panther-alert-forwarder.ts'], {
      cwd: ROOT,
      env: withCdkValidationEnv({ ...process.env, CDK_CONTEXT_JSON: JSON.stringify(context), CDK_OUTDIR: outdir }),
    });
    return { code: 0, stderr: '' };
  } catch (error) {
    const failed = error as { code: number; stderr: string };
    return { code: failed.code, stderr: failed.stderr };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

describe('bin/panther-alert-forwarder.ts', () => {
  it('-c alarmEmails=x@example.com: names alarmEmail, prints no stack trace, exits 1', async () => {
    const { code, stderr } = await runApp({ alarmEmails: 'x@example.com' });
    expect(code).toBe(1);
    expect(stderr.trim()).toBe('cdk context: unknown context key alarmEmails: did you mean alarmEmail?');
  });

  it('two bad props: one error listing both, no stack trace', async () => {
    const { code, stderr } = await runApp({ fifo: 'yes', noAlertHours: '48' });
    expect(code).toBe(1);
    expect(stderr).toMatch(/^cdk context: 2 problems:\n- fifo must be true or false, got "yes"\n- noAlertHours must be a whole number/);
    expect(stderr).not.toMatch(/^\s+at /m);
  });
});
