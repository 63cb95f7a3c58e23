/**
 * Runs the CLI: in this process through its entry point's runCli (what `npx panther-forwarder …`
 * runs, without a Node.js and tsx start per command), or, for the few smoke tests of the program
 * itself, in its own process as `npx panther-forwarder …` would.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { runCli } from '../../cli/panther-forwarder';
import { ROOT } from './processes';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** What is written to it, as text. */
function collector(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(Buffer.from(chunk));
      done();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

/** Resolves with the exit code and output, whatever the exit code; `env` adds to this process's environment. */
export async function cli(args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> {
  const [stdout, stderr] = [collector(), collector()];
  const code = await runCli(args, { stdout: stdout.stream, stderr: stderr.stream, env: { ...process.env, ...env } });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

/** The same, through the bin script in a process of its own (`npx panther-forwarder`). */
export async function spawnedCli(args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [join(ROOT, 'cli', 'panther-forwarder.cjs'), ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}
