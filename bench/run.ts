/**
 * `npm run bench`: the receiver's cost against the floor (import the SQS client, forward the body)
 * and a typical peer (middy + JSON body parser + ajv.compile at load + re-serialization), side by
 * side in one run on this machine. Offline; loopback only; every loop is bounded. Prints one table
 * and writes bench/results.json.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import autocannon from 'autocannon';
import { App } from 'aws-cdk-lib';
import { build } from 'esbuild';
import { localSqsClient } from '../functions/runtime/local-aws';
import { PantherAlertForwarderStack } from '../lib/panther-alert-forwarder-stack';
import { baseAlert, padTo } from '../scripts/sample-alerts';
import { BENCH_SECRET, startFakeAws } from './fake-sqs';

// The Lambda runs Node.js 24; the SDK's notice about Node.js 20 concerns only this machine.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const ROOT = join(__dirname, '..');
const WORK = join(__dirname, '.build');
const COLD_RUNS = 15;
const WARM_ROUNDS = 3;
const THROUGHPUT_SECONDS = 5;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** The deployable bundle exactly as `cdk synth` makes it. */
function synthesizedBundle(): string {
  const outdir = join(WORK, 'cdk.out');
  rmSync(outdir, { recursive: true, force: true });
  const app = new App({ outdir });
  const stack = new PantherAlertForwarderStack(app, 'Bench');
  app.synth();
  const template = JSON.parse(readFileSync(join(outdir, `${stack.stackName}.template.json`), 'utf8'));
  const fn = Object.values(template.Resources as Record<string, { Type: string; Properties: { Code: { S3Key: string } } }>).find(
    (r) => r.Type === 'AWS::Lambda::Function',
  )!;
  return join(outdir, `asset.${fn.Properties.Code.S3Key.replace(/\.zip$/, '')}`, 'index.js');
}

/** Peers built with the same esbuild settings NodejsFunction uses for the receiver. */
async function bundle(entry: string, name: string, sourcemap = false): Promise<string> {
  const outfile = join(WORK, name, 'index.js');
  await build({
    entryPoints: [join(ROOT, entry)],
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    minify: true,
    mainFields: ['module', 'main'],
    sourcemap,
    outfile,
    logLevel: 'error',
  });
  return outfile;
}

function size(file: string): { raw: number; gzip: number } {
  return { raw: statSync(file).size, gzip: gzipSync(readFileSync(file)).length };
}

interface Variant {
  readonly name: string;
  readonly file: string;
  readonly nodeOptions?: string;
}

/** One measurement in a fresh process; asynchronous, since the fake SQS answers from this one. */
async function measure(variant: Variant, env: NodeJS.ProcessEnv, args: string[]): Promise<Record<string, number>> {
  const out = join(WORK, `result-${process.pid}.json`);
  const child = spawn(
    process.execPath,
    [...(variant.nodeOptions ? [variant.nodeOptions] : []), join(__dirname, 'measure.cjs'), out, ...args],
    {
      env,
      stdio: ['ignore', 'ignore', 'inherit'],
      timeout: 120_000,
    },
  );
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`${variant.name}: measure ${args[0]} failed (${code})`);
  return JSON.parse(readFileSync(out, 'utf8'));
}

/** Local mode's throughput vs sending straight to the same fauxqs, over loopback. */
async function localThroughput(body: string): Promise<{ webhook: number; direct: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', SQS_PORT: '0', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const printed: Record<string, string> = {};
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('local mode did not start')), 30_000);
    let buffered = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      for (const line of buffered.split('\n').slice(0, -1)) {
        const m = /^([A-Za-z][\w -]*): (.+)$/.exec(line);
        if (m) printed[m[1]!] = m[2]!;
      }
      buffered = buffered.slice(buffered.lastIndexOf('\n') + 1);
      if (printed.Header && printed['Webhook URL']) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  try {
    const colon = printed.Header!.indexOf(':');
    const header = { [printed.Header!.slice(0, colon)]: printed.Header!.slice(colon + 2) };
    const result = await autocannon({
      url: printed['Webhook URL']!,
      method: 'POST',
      headers: { 'content-type': 'application/json', ...header },
      body,
      connections: 32,
      duration: THROUGHPUT_SECONDS,
    });
    const webhook = result['2xx'] / result.duration;

    const sqs = localSqsClient(printed['SQS endpoint']!);
    const deadline = Date.now() + THROUGHPUT_SECONDS * 1000;
    let sent = 0;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (Date.now() < deadline) {
          await sqs.send(new SendMessageCommand({ QueueUrl: printed['Queue URL'], MessageBody: body }));
          sent += 1;
        }
      }),
    );
    return { webhook, direct: sent / ((Date.now() - started) / 1000) };
  } finally {
    child.kill('SIGTERM');
  }
}

async function main(): Promise<void> {
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  console.error('Building bundles…');
  const receiver: Variant = { name: 'receiver', file: synthesizedBundle() };
  const floor: Variant = { name: 'floor', file: await bundle('bench/peers/floor.ts', 'floor') };
  const naive: Variant = { name: 'naive peer', file: await bundle('bench/peers/naive.ts', 'naive') };
  const withMap: Variant = {
    name: 'receiver + source map',
    file: await bundle('functions/receiver.ts', 'receiver-map', true),
    nodeOptions: '--enable-source-maps',
  };
  const variants = [receiver, floor, naive, withMap];

  const small = join(WORK, 'alert-2k.json');
  const large = join(WORK, 'alert-200k.json');
  writeFileSync(small, padTo(2_300));
  writeFileSync(large, JSON.stringify(baseAlert({ alertContext: { blob: 'x'.repeat(204_800) } })));

  const fake = await startFakeAws();
  const env = {
    ...process.env,
    QUEUE_URL: `${fake.endpoint}/000000000000/panther-alerts`,
    QUARANTINE_QUEUE_URL: `${fake.endpoint}/000000000000/panther-alerts-quarantine`,
    SECRET_ID: 'bench',
    AUTH_HEADER_NAME: 'X-Panther-Webhook-Secret',
    BENCH_SECRET,
    AWS_ENDPOINT_URL_SQS: fake.endpoint,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: fake.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    BENCH_BODY: small,
  };

  try {
    console.error(`Cold starts: ${COLD_RUNS} fresh processes per bundle, interleaved…`);
    const cold = new Map(variants.map((v) => [v.name, { importMs: [] as number[], firstRequestMs: [] as number[] }]));
    for (let i = 0; i < COLD_RUNS; i += 1) {
      for (const v of variants) {
        const r = await measure(v, env, ['cold', v.file, small]);
        cold.get(v.name)!.importMs.push(r.importMs!);
        cold.get(v.name)!.firstRequestMs.push(r.firstRequestMs!);
      }
    }

    console.error(`Warm requests: ${WARM_ROUNDS} interleaved rounds…`);
    const warm = new Map(variants.map((v) => [v.name, { small: [] as number[], large: [] as number[], rss: [] as number[] }]));
    for (let round = 0; round < WARM_ROUNDS; round += 1) {
      for (const v of variants.slice(0, 3)) {
        const s = await measure(v, env, ['warm', v.file, small, '3000']);
        const l = await measure(v, env, ['warm', v.file, large, '300']);
        warm.get(v.name)!.small.push(s.perRequestMs!);
        warm.get(v.name)!.large.push(l.perRequestMs!);
        warm.get(v.name)!.rss.push(s.rssMb!);
      }
    }

    console.error(`Local end to end: ${THROUGHPUT_SECONDS} s through npm start's server, ${THROUGHPUT_SECONDS} s direct…`);
    const throughput = await localThroughput(readFileSync(small, 'utf8'));

    const stat = (name: string): BundleStats => ({
      size: size(variants.find((v) => v.name === name)!.file),
      importMs: median(cold.get(name)!.importMs),
      firstRequestMs: median(cold.get(name)!.firstRequestMs),
      ...(warm.has(name) && warm.get(name)!.small.length
        ? { warm2kMs: median(warm.get(name)!.small), warm200kMs: median(warm.get(name)!.large), rssMb: median(warm.get(name)!.rss) }
        : {}),
    });
    const results: BenchResults & { machine: object } = {
      machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version, date: new Date().toISOString() },
      receiver: stat('receiver'),
      floor: stat('floor'),
      naive: stat('naive peer'),
      receiverWithSourceMap: stat('receiver + source map'),
      throughput,
    };
    const r = results.receiver;
    const ratios = {
      coldVsFloor: r.importMs / results.floor.importMs,
      coldVsNaive: r.importMs / results.naive.importMs,
      warm2kVsSdk: r.warm2kMs! / results.floor.warm2kMs!,
      warm200kVsSdk: r.warm200kMs! / results.floor.warm200kMs!,
      localVsDirect: throughput.webhook / throughput.direct,
    };
    const targets = { coldVsFloor: 1.1, coldVsNaive: 0.5, warm2kVsSdk: 1.15, warm200kVsSdk: 1.25, localVsDirect: 0.8 };
    writeFileSync(join(__dirname, 'results.json'), `${JSON.stringify({ ...results, ratios, targets }, null, 2)}\n`);
    printTable(results, ratios, targets);
  } finally {
    fake.server.closeAllConnections();
    fake.server.close();
  }
}

interface BundleStats {
  readonly size: { raw: number; gzip: number };
  readonly importMs: number;
  readonly firstRequestMs: number;
  readonly warm2kMs?: number;
  readonly warm200kMs?: number;
  readonly rssMb?: number;
}

interface BenchResults {
  readonly receiver: BundleStats;
  readonly floor: BundleStats;
  readonly naive: BundleStats;
  readonly receiverWithSourceMap: BundleStats;
  readonly throughput: { webhook: number; direct: number };
}

function printTable(results: BenchResults, ratios: Record<string, number>, targets: Record<string, number>): void {
  const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;
  const ms = (n: number | undefined) => (n === undefined ? '–' : `${n.toFixed(n < 1 ? 3 : 1)} ms`);
  const rows = [
    ['', 'receiver', 'floor', 'naive peer', 'receiver + map'],
    [
      'bundle (raw / gzip)',
      ...[results.receiver, results.floor, results.naive, results.receiverWithSourceMap].map(
        (s) => `${kb(s.size.raw)} / ${kb(s.size.gzip)}`,
      ),
    ],
    ['cold import (median)', ...[results.receiver, results.floor, results.naive, results.receiverWithSourceMap].map((s) => ms(s.importMs))],
    ['first request', ...[results.receiver, results.floor, results.naive, results.receiverWithSourceMap].map((s) => ms(s.firstRequestMs))],
    ['warm request, 2.3 KB', ...[results.receiver, results.floor, results.naive].map((s) => ms(s.warm2kMs)), '–'],
    ['warm request, 200 KB', ...[results.receiver, results.floor, results.naive].map((s) => ms(s.warm200kMs)), '–'],
    ['RSS after load', ...[results.receiver, results.floor, results.naive].map((s) => `${(s.rssMb ?? 0).toFixed(0)} MB`), '–'],
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: string[]) => `| ${r.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')} |`;
  console.log(line(rows[0]!));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows.slice(1)) console.log(line(r));
  console.log('');
  console.log(
    `Local end to end: ${results.throughput.webhook.toFixed(0)} alerts/s through npm start vs ${results.throughput.direct.toFixed(0)} SendMessage/s direct`,
  );
  console.log('');
  const names: Record<string, string> = {
    coldVsFloor: 'cold import vs floor',
    coldVsNaive: 'cold import vs naive peer',
    warm2kVsSdk: 'warm 2.3 KB vs bare SDK send',
    warm200kVsSdk: 'warm 200 KB vs bare SDK send',
    localVsDirect: 'local throughput vs direct send',
  };
  for (const [key, value] of Object.entries(ratios)) {
    const target = targets[key]!;
    const met = key === 'localVsDirect' ? value >= target : value <= target;
    console.log(
      `${names[key]!.padEnd(32)} ${value.toFixed(2)}×  (target ${key === 'localVsDirect' ? '≥' : '≤'} ${target}×)  ${met ? 'met' : 'NOT met'}`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
