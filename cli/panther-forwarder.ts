/**
 * `npx --no panther-forwarder <command>`: the tools a person uses around the forwarder, locally or
 * against a deployed stack. Exit codes: 0 success, 1 the thing checked failed, 2 usage error.
 */
import { Console } from 'node:console';
import { readFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { parseRoutes, type Route } from '../functions/core/routes';
import { LOCAL_SETTINGS as SETTINGS } from '../functions/runtime/local-aws';
import { decidePayload } from '../functions/core/webhook-core';
import { type ArchiveLocationValues, archiveToRead } from './archive-location';
import { DEFAULT_BUS_PORT, printBusEvents } from './bus-events';
import { httpPost } from './http-post';
import { redrive } from './redrive';
import {
  archiveS3Client,
  REPLAY_ARGS,
  REPLAY_HELP,
  replayExitCode,
  replayProgressLine,
  replayRequest,
  replaySummaryLines,
  runReplay,
} from './replay';
import { localModeClient, localModeEndpoint, sqsClientFor } from './sqs-client';
import { sendAsSqsDestination } from './sqs-destination';
import { archiveStats, archiveStatsLine, queueStats, statsTable } from './stats';
import { tailArchive } from './tail';
import { TAKE_HELP, takeFromQueue } from './take';
import { pantherTestAlert } from './test-alert';

const USAGE = `Usage: npx --no panther-forwarder <command> [options]

Commands:
  send-test-alert [--url URL] [--header 'Name: value']... [--file alert.json]
      POST Panther's test alert (fresh createdAt), or the file's bytes, as Panther's
      "Send Test Alert" button does; print the answer. Exit 1 unless it is a 2xx.
      --url defaults to the local webhook, http://127.0.0.1:$PORT/alerts (PORT 3000).

  send-test-alert --queue-url URL [--file alert.json] [--endpoint URL]
      Send the same alert, or the file's bytes, to an inbox queue as Panther's Amazon SQS
      destination does: SendMessage with the body only, no attributes; print its MessageId.
      Local mode prints its inbox as "Inbox queue URL". The endpoint comes from --endpoint,
      a local queue URL's port, AWS_ENDPOINT_URL_SQS / AWS_ENDPOINT_URL, or the region.

  tail [--bucket NAME] [--prefix PREFIX] [--endpoint URL] [--json] [--max N] [--timeout SECONDS]
       [--recent SECONDS]
      Follow the alerts the forwarder accepts, from its archive: print one summary line per
      alert (--json: one JSON object per line with its key, attributes and the alert), the
      ones archived in the last --recent seconds (default 60) first, then each new one
      within seconds. It only reads the archive: no queue is touched, so it can run next to
      the consumers for ever. It shows alerts created in the last hour or so (the archive is
      partitioned by createdAt). --bucket defaults to $ARCHIVE_BUCKET, else local mode's
      archive; --prefix to $ARCHIVE_PREFIX, else alerts/; --endpoint is S3's (local mode:
      the SQS endpoint), else AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL. Without an archive it
      says so. Stops on Ctrl-C, after --max alerts or --timeout.

${TAKE_HELP}

  validate FILE...
      Check payload files exactly as the webhook would and print each error.
      Exit 1 if any file would be refused.

  redrive --from URL --to URL [--revalidate [--routes JSON]] [--endpoint URL] [--max N]
      Move messages between queues, printing progress: with SQS's message move task where the
      server supports it (a dead-letter queue back to its queue), else at least once (send, then
      delete).
      --revalidate (quarantine -> alert queue, after a schema fix): only bodies that are now
      valid alerts move, with fresh routing attributes; the rest stay. --routes (default
      $ROUTES) is the receiver's ROUTES, [{"name","queueUrl","severities"?,"types"?}]: each
      alert also goes to every route it matches, as the receiver would have sent it (the
      stack's QuarantineRedriveCommand output has it filled in). Without --revalidate
      (dead-letter queue -> alert queue) bodies and attributes move unchanged.

${REPLAY_HELP}

  bus-events [--url URL] [--json]
      Print the events local mode's recording bus received (npm start -- --bus), one line
      each (--json: each entry exactly as PutEvents received it); nothing is removed.
      --url defaults to http://127.0.0.1:$BUS_PORT/events (BUS_PORT 4568).

  stats [--queue-url URL]... [--endpoint URL] [--bucket NAME] [--prefix PREFIX]
      Approximate counts per queue: visible, in flight, delayed; then the archive's objects
      created this hour and the hour before. Without --queue-url: every panther-alerts* and
      panther-inbox* queue of local mode, and local mode's archive. The archive is counted
      where --bucket or $ARCHIVE_BUCKET (and --prefix or $ARCHIVE_PREFIX) say, or in local
      mode; it only lists, as tail does.

  help
      Show this text.`;

class UsageError extends Error {}

function parse<T extends ParseArgsConfig['options']>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function positiveInteger(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new UsageError(`${name} must be a positive whole number`);
  return value;
}

async function sendTestAlert(args: string[]): Promise<number> {
  const { values } = parse(args, {
    url: { type: 'string' },
    header: { type: 'string', multiple: true },
    file: { type: 'string' },
    'queue-url': { type: 'string' },
    endpoint: { type: 'string' },
  });
  // Read once the options are known to be usable: a usage error wins over a missing file.
  const body = () => (values.file === undefined ? JSON.stringify(pantherTestAlert()) : readFileSync(values.file));
  if (values['queue-url'] !== undefined) {
    if (values.url !== undefined || values.header !== undefined) {
      throw new UsageError('send-test-alert takes --queue-url (an inbox queue) or --url and --header (a webhook), not both');
    }
    return sendAsSqsDestination(values['queue-url'], Buffer.from(body()), values.endpoint);
  }
  if (values.endpoint !== undefined) throw new UsageError('--endpoint goes with --queue-url');
  const url = values.url ?? `http://127.0.0.1:${process.env.PORT || 3000}/alerts`;
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  for (const header of values.header ?? []) {
    const colon = header.indexOf(':');
    if (colon <= 0) throw new UsageError(`--header must look like 'Name: value', got ${JSON.stringify(header)}`);
    headers[header.slice(0, colon).trim()] = header.slice(colon + 1).trim();
  }
  try {
    const answer = await httpPost(url, headers, body());
    console.log(`HTTP ${answer.status} ${answer.body}`);
    return answer.status >= 200 && answer.status < 300 ? 0 : 1;
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    console.error(`Could not reach ${url}: ${reason}. Is the forwarder running (npm start)?`);
    return 1;
  }
}

function validate(args: string[]): number {
  const { positionals } = parse(args, {});
  if (positionals.length === 0) throw new UsageError('validate needs at least one file');
  let refused = 0;
  for (const file of positionals) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch (error) {
      console.log(`${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
      refused += 1;
      continue;
    }
    // The webhook's own decision on a body, as API Gateway would hand it over.
    const decision = decidePayload({ body: bytes.toString('base64'), isBase64Encoded: true }, 'reject');
    if (decision.action !== 'reply') {
      if (decision.action === 'quarantine') throw new Error('reject mode never quarantines');
      const { severity, type, detectionId } = decision.attributes;
      console.log(`${file}: ok (${severity} ${type} ${detectionId})`);
      continue;
    }
    refused += 1;
    const answer = decision.reply.body;
    console.log(`${file}: refused with ${decision.reply.statusCode}: ${answer.error}`);
    for (const detail of answer.details ?? []) console.log(`  - ${detail}`);
  }
  return refused === 0 ? 0 : 1;
}

/** archiveToRead, with a bad --prefix as a usage error. */
function archiveLocation(values: ArchiveLocationValues, localByDefault: boolean) {
  try {
    return archiveToRead(values, localByDefault);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

async function tail(args: string[]): Promise<number> {
  const { values } = parse(args, {
    bucket: { type: 'string' },
    prefix: { type: 'string' },
    endpoint: { type: 'string' },
    json: { type: 'boolean', default: false },
    max: { type: 'string' },
    timeout: { type: 'string' },
    recent: { type: 'string' },
    // Its options of old, when it read a queue: refused with the command that does.
    'queue-url': { type: 'string' },
    route: { type: 'string' },
    delete: { type: 'boolean' },
  });
  if (values['queue-url'] !== undefined || values.route !== undefined || values.delete !== undefined) {
    throw new UsageError('tail follows the archive and never receives from a queue; to take messages off a queue (it removes them): take');
  }
  const recent = values.recent === '0' ? 0 : positiveInteger('--recent', values.recent);
  const location = archiveLocation(values, true)!;
  try {
    return await tailArchive({
      ...location,
      json: values.json ?? false,
      max: positiveInteger('--max', values.max),
      timeoutSeconds: positiveInteger('--timeout', values.timeout),
      recentSeconds: recent,
    });
  } finally {
    location.s3.destroy();
  }
}

async function take(args: string[]): Promise<number> {
  const { values } = parse(args, {
    'queue-url': { type: 'string' },
    route: { type: 'string' },
    endpoint: { type: 'string' },
    json: { type: 'boolean', default: false },
    max: { type: 'string' },
    timeout: { type: 'string' },
  });
  if (values.route !== undefined && values['queue-url'] !== undefined) throw new UsageError('take takes --queue-url or --route, not both');
  return takeFromQueue({
    queueUrl: values.route === undefined ? (values['queue-url'] ?? process.env.QUEUE_URL) : undefined,
    route: values.route,
    endpoint: values.endpoint,
    json: values.json ?? false,
    max: positiveInteger('--max', values.max),
    timeoutSeconds: positiveInteger('--timeout', values.timeout),
  });
}

async function redriveCommand(args: string[]): Promise<number> {
  const { values } = parse(args, {
    from: { type: 'string' },
    to: { type: 'string' },
    revalidate: { type: 'boolean', default: false },
    routes: { type: 'string' },
    endpoint: { type: 'string' },
    max: { type: 'string' },
  });
  if (!values.from || !values.to) throw new UsageError('redrive needs --from and --to queue URLs');
  if (values.routes !== undefined && !values.revalidate) {
    throw new UsageError('--routes goes with --revalidate (dead letters go back unchanged to one queue)');
  }
  // $ROUTES is only a default for --revalidate: a dead-letter redrive ignores it.
  const routesJson = values.revalidate ? (values.routes ?? process.env.ROUTES) : undefined;
  let routes: Route[];
  try {
    routes = parseRoutes(routesJson);
  } catch (error) {
    throw new UsageError(`--routes: ${(error as Error).message}`);
  }
  const result = await redrive(sqsClientFor(values.from, values.endpoint), {
    from: values.from,
    to: values.to,
    revalidate: values.revalidate ?? false,
    routes,
    max: positiveInteger('--max', values.max),
    progress: (line) => console.error(line),
  });
  const how = result.method === 'move-task' ? ' (SQS message move task)' : '';
  console.log(`Moved ${result.moved} message(s)${how}${values.revalidate ? `; ${result.kept} still invalid, left in place` : ''}.`);
  return 0;
}

async function statsCommand(args: string[]): Promise<number> {
  const { values } = parse(args, {
    'queue-url': { type: 'string', multiple: true },
    endpoint: { type: 'string' },
    bucket: { type: 'string' },
    prefix: { type: 'string' },
  });
  const queueUrls = values['queue-url'] ?? [];
  const sqs = queueUrls.length > 0 ? sqsClientFor(queueUrls[0]!, values.endpoint) : localModeClient(values.endpoint);
  console.log(statsTable(await queueStats(sqs, queueUrls)));
  // Named queues are a deployed stack's: its archive only when named too.
  const archive = archiveLocation(values, queueUrls.length === 0);
  if (archive !== undefined) {
    try {
      console.log(archiveStatsLine(await archiveStats(archive.s3, archive.bucket, archive.prefix)));
    } finally {
      archive.s3.destroy();
    }
  }
  return 0;
}

async function replayCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, REPLAY_ARGS);
  if (positionals.length > 0) throw new UsageError(`replay takes no ${JSON.stringify(positionals[0])}`);
  let request: ReturnType<typeof replayRequest>;
  try {
    request = replayRequest(values);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  // Like tail: with no bucket named anywhere, local mode's archive on its embedded S3.
  const local = request.bucket === undefined && !process.env.ARCHIVE_BUCKET;
  const { endpoint: given, ...options } = request;
  const endpoint = given ?? (local ? localModeEndpoint() : undefined);
  const summary = await runReplay({
    ...options,
    ...(local ? { bucket: SETTINGS.localArchiveBucket } : {}),
    s3: archiveS3Client(endpoint),
    sqs: sqsClientFor(options.to, endpoint),
    progress: (event) => console.error(replayProgressLine(event)),
  });
  for (const line of replaySummaryLines(summary, options.dryRun)) console.log(line);
  return replayExitCode(summary);
}

/** Event bus: local mode's recorded events (cli/bus-events.ts). */
function busEventsCommand(args: string[]): Promise<number> {
  const { values } = parse(args, { url: { type: 'string' }, json: { type: 'boolean' } });
  return printBusEvents(values.url ?? `http://127.0.0.1:${process.env.BUS_PORT || DEFAULT_BUS_PORT}/events`, values.json === true);
}

const COMMANDS: Record<string, (args: string[]) => number | Promise<number>> = {
  'bus-events': busEventsCommand,
  replay: replayCommand,
  redrive: redriveCommand,
  stats: statsCommand,
  'send-test-alert': sendTestAlert,
  tail,
  take,
  validate,
  help: () => {
    console.log(USAGE);
    return 0;
  },
};

async function dispatch(argv: readonly string[]): Promise<number> {
  const [command, ...args] = argv;
  if (command === undefined || command === '--help' || command === '-h') return COMMANDS.help!([]);
  const run = COMMANDS[command];
  if (!run) throw new UsageError(`unknown command ${JSON.stringify(command)}`);
  if (args.includes('--help') || args.includes('-h')) return COMMANDS.help!([]);
  return run(args);
}

/** Where one run prints and what environment it reads (`main`: this process's own). */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly env: NodeJS.ProcessEnv;
}

/** Runs started before this one; the commands print with `console` and read `process.env`, so runs take turns. */
let previousRun: Promise<unknown> = Promise.resolve();

/**
 * One command, as `npx --no panther-forwarder <argv>` would run it, resolving with its exit code (what
 * `main` sets as the process's). The commands print through `console` and read `process.env`: for
 * the run, those are `io`'s, and the signal handlers a command adds (tail's Ctrl-C) are removed after.
 */
export function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const run = previousRun.then(async () => {
    const saved = { console: globalThis.console, env: process.env };
    const signals = ['SIGINT', 'SIGTERM'] as const;
    const listenersBefore = signals.map((signal) => new Set(process.listeners(signal)));
    globalThis.console = new Console({ stdout: io.stdout, stderr: io.stderr });
    process.env = io.env;
    try {
      return await dispatch(argv);
    } catch (error) {
      if (error instanceof UsageError) {
        // The reason and where the rest is: the whole help would push the reason off the screen.
        console.error(`panther-forwarder: ${error.message.replace(/\s*\n\s*/g, ' ')} (see --help)`);
        return 2;
      }
      console.error(`panther-forwarder: ${error instanceof Error ? error.message : String(error)}`);
      return 1;
    } finally {
      globalThis.console = saved.console;
      process.env = saved.env;
      signals.forEach((signal, i) => {
        const added = process.listeners(signal).filter((listener) => !listenersBefore[i]!.has(listener));
        for (const listener of added) process.removeListener(signal, listener);
      });
    }
  });
  previousRun = run.catch(() => undefined);
  return run;
}

/** The program: this process's arguments, output and environment; the command's exit code becomes the process's. */
export function main(): void {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  void runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }).then((code) => {
    process.exitCode = code;
  });
}
