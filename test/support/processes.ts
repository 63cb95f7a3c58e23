/**
 * Starts the project's own programs (local mode, the embedded SQS server) as child processes on free
 * loopback ports, waits for the lines they print when ready, and stops them by PID.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { headerFromReadyLine, parseReadyLine } from '../../local/ready-lines';
import { until } from './until';

export const ROOT = join(__dirname, '..', '..');

export interface RunningProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Every line printed to stdout so far. */
  readonly output: string[];
  /** Values of the `Name: value` lines printed before ready. */
  readonly printed: Readonly<Record<string, string>>;
  /** SIGTERM (SIGKILL after 5 s); resolves with the exit code once the process is gone. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface StartOptions {
  readonly env?: Record<string, string | undefined>;
  /** The `Name:` lines to wait for. */
  readonly waitFor: readonly string[];
  readonly timeoutMs?: number;
}

const running = new Set<RunningProcess>();

/**
 * Runs a TypeScript entry point in one node process (`--import tsx`), so its PID is the server
 * itself: the tsx CLI would run it in a child that a SIGKILL to the parent leaves behind.
 */
export function startTsx(script: string, args: readonly string[], options: StartOptions): Promise<RunningProcess> {
  return startProcess(process.execPath, ['--import', 'tsx', script, ...args], options);
}

export function startProcess(command: string, args: readonly string[], options: StartOptions): Promise<RunningProcess> {
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const errors: string[] = [];
  const printed: Record<string, string> = {};
  let exited: Promise<number | null> = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  const proc: RunningProcess = {
    child,
    pid: child.pid!,
    output,
    printed,
    async stop(signal = 'SIGTERM') {
      running.delete(proc);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill(signal);
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        const code = await exited;
        clearTimeout(timer);
        return code;
      }
      return exited;
    },
  };
  running.add(proc);

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void proc.stop('SIGKILL');
      reject(new Error(`${args.join(' ')} was not ready within ${options.timeoutMs ?? 30_000} ms:\n${[...output, ...errors].join('\n')}`));
    }, options.timeoutMs ?? 30_000);
    const lines = (stream: NodeJS.ReadableStream, sink: string[], onLine?: (line: string) => void) => {
      let buffered = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        buffered += chunk;
        const parts = buffered.split('\n');
        buffered = parts.pop()!;
        for (const line of parts) {
          sink.push(line);
          onLine?.(line);
        }
      });
    };
    lines(child.stdout!, output, (line) => {
      const ready = parseReadyLine(line);
      if (ready) printed[ready.name] = ready.value;
      if (options.waitFor.every((name) => name in printed)) {
        clearTimeout(timer);
        resolve(proc);
      }
    });
    lines(child.stderr!, errors);
    exited = exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${args.join(' ')} exited (${code}) before it was ready:\n${[...output, ...errors].join('\n')}`));
      return code;
    });
  });
}

/** Resolves once the process has printed this exact line, or one matching it (bounded: false after `timeoutMs`). */
export async function untilPrinted(proc: RunningProcess, line: string | RegExp, timeoutMs = 5_000): Promise<boolean> {
  return until(() => proc.output.some((printed) => (typeof line === 'string' ? printed === line : line.test(printed))), timeoutMs);
}

/** Stops whatever a test file left running (call from afterAll). */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((proc) => proc.stop()));
}

/** `npm start`'s program on free ports (or the given environment), ready to take alerts. */
export function startLocalMode(env: Record<string, string | undefined> = {}, args: readonly string[] = []) {
  return startTsx('local/start.ts', args, {
    env: { PORT: '0', SQS_PORT: '0', ...env },
    waitFor: ['Webhook URL', 'Queue URL', 'SQS endpoint', 'Header'],
  });
}

/** The `Header: Name: value` line local mode printed, as a headers object. */
export function authHeaderOf(proc: RunningProcess): Record<string, string> {
  return headerFromReadyLine(proc.printed.Header ?? '');
}

/** The embedded SQS server on its own, on a free port (or the given one). */
export function startSqsServer(port = 0) {
  return startTsx('local/embedded-sqs.ts', [], {
    env: { SQS_PORT: String(port) },
    waitFor: ['SQS endpoint', 'Queue URL', 'Dead-letter queue URL', 'Quarantine queue URL'],
  });
}
