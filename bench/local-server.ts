/** `npm start`'s server as the benchmarks drive it: a child process on free loopback ports. */
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { headerFromReadyLine, parseReadyLine } from '../local/ready-lines';

const ROOT = join(__dirname, '..');

export interface LocalServer {
  readonly child: ChildProcessByStdio<null, Readable, null>;
  readonly webhookUrl: string;
  readonly sqsEndpoint: string;
  readonly queueUrl: string;
  /** The secret header, as a header object. */
  readonly authHeader: Record<string, string>;
  /** SIGTERM, and wait for the process to be gone. */
  stop(): Promise<void>;
}

/** Starts local mode (with these node options before the script) and waits for the lines it prints when ready. */
export async function startLocalServer(nodeOptions: readonly string[] = []): Promise<LocalServer> {
  const child = spawn(process.execPath, [...nodeOptions, '--import', 'tsx', 'local/start.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', SQS_PORT: '0', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const printed: Record<string, string> = {};
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('local mode did not start')), 30_000);
    let buffered = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      for (const line of buffered.split('\n').slice(0, -1)) {
        const ready = parseReadyLine(line);
        if (ready) printed[ready.name] = ready.value;
      }
      buffered = buffered.slice(buffered.lastIndexOf('\n') + 1);
      if (printed.Header && printed['Webhook URL']) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return {
    child,
    webhookUrl: printed['Webhook URL']!,
    sqsEndpoint: printed['SQS endpoint']!,
    queueUrl: printed['Queue URL']!,
    authHeader: headerFromReadyLine(printed.Header!),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
