/**
 * The environment check (test/support/env-unchanged.cjs) fails a test that leaves process.env
 * changed and passes one that restores it: both run in a scratch jest project with that setup file.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from '../support/processes';

async function runJest(testSource: string): Promise<{ passed: boolean; output: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'env-unchanged-'));
  try {
    writeFileSync(join(dir, 'scratch.test.js'), testSource);
    const config = { rootDir: dir, transform: {}, setupFilesAfterEnv: [join(ROOT, 'test', 'support', 'env-unchanged.cjs')] };
    await promisify(execFile)(
      process.execPath,
      [join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js'), '--config', JSON.stringify(config)],
      {
        cwd: dir,
      },
    );
    return { passed: true, output: '' };
  } catch (error) {
    return { passed: false, output: String((error as { stderr?: string }).stderr) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the environment check', () => {
  it('fails a test that leaves a variable set, naming it', async () => {
    const run = await runJest("test('leaks', () => { process.env.LEAKED_BY_A_TEST = 'yes'; });");
    expect(run.passed).toBe(false);
    expect(run.output).toContain('LEAKED_BY_A_TEST');
  });

  it('passes a test that restores what it changed', async () => {
    const run = await runJest("test('restores', () => { process.env.SET_AND_RESTORED = 'yes'; delete process.env.SET_AND_RESTORED; });");
    expect(run).toEqual({ passed: true, output: '' });
  });
});
