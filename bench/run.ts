/**
 * `npm run bench`: the receiver's cost against the floor (import the SQS client, forward the body)
 * and a typical peer (middy + JSON body parser + ajv.compile at load + re-serialization), side by
 * side in one run on this machine. The floor is built with the receiver's own esbuild settings, so
 * the ratio is what the receiver's code adds; the floor bundled the usual way, and the naive peer,
 * show what those settings save. Offline; loopback only; every loop is bounded. Prints the tables
 * and writes bench/results.json.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { App } from 'aws-cdk-lib';
import { build } from 'esbuild';
import { PantherAlertForwarderStack } from '../lib/panther-alert-forwarder-stack';
import { BASE_BUILD_OPTIONS, buildFunctions, LAMBDA_BUILD_OPTIONS } from '../scripts/build-functions';
import { baseAlert, padTo } from '../scripts/sample-alerts';
import { BENCH_SECRET, startFakeAws } from './fake-sqs';
import { type MeasuredTimes, memoryTable, type MemoryRow } from './lambda-projection';
import { interleavedRounds, pairRatios, type Runs } from './rounds';
import { median, type Spread, spreadOf } from './statistics';
import { type LocalThroughput, localThroughput } from './local-throughput';

// The Lambda runs Node.js 24; the SDK's notice about Node.js 20 concerns only this machine.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const ROOT = join(__dirname, '..');
const WORK = join(__dirname, '.build');
/** Cold rounds: at least this many, then until every cold ratio's 95 % interval is within ±2.5 %. */
const COLD_ROUNDS = { min: 30, max: 80 };
/** Warm rounds (each: every variant, both sizes, in fresh processes), until the same ±2.5 % holds. */
const WARM_ROUNDS = { min: 10, max: 20 };
const WARM_REQUESTS = { small: 600, large: 80 };

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

/**
 * A peer built with the receiver's own esbuild settings (its trims included), or with the usual
 * ones (BASE_BUILD_OPTIONS: bundled, minified, ES modules preferred), as a typical forwarder is.
 */
async function bundle(entry: string, name: string, options: 'same' | 'usual' = 'same'): Promise<string> {
  const outfile = join(WORK, name, 'index.js');
  await build({ ...(options === 'same' ? LAMBDA_BUILD_OPTIONS : BASE_BUILD_OPTIONS), entryPoints: [join(ROOT, entry)], outfile });
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

async function main(): Promise<void> {
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  console.error('Building bundles…');
  await buildFunctions();
  const variants: Variant[] = [
    { name: 'receiver', file: synthesizedBundle() },
    { name: 'floor', file: await bundle('bench/peers/floor.ts', 'floor') },
    { name: 'naive peer', file: await bundle('bench/peers/naive.ts', 'naive', 'usual') },
  ];
  const [receiver, floor, naive] = variants as [Variant, Variant, Variant];
  // Cold only: the floor as an SDK-only forwarder is usually bundled, without the receiver's trims.
  const usualFloor: Variant = { name: 'floor, usual build', file: await bundle('bench/peers/floor.ts', 'floor-usual', 'usual') };
  // Cold only: what reading the secret costs (not deployable).
  const staticSecret: Variant = {
    name: 'receiver, secret handed in',
    file: await bundle('bench/peers/receiver-with-secret-handed-in.ts', 'static-secret'),
  };
  const coldVariants = [...variants, usualFloor, staticSecret];
  // Warm only: the floor with the SDK set up as the receiver's client is (middleware resolved once).
  const cachedFloor: Variant = {
    name: 'floor, middleware cached',
    file: await bundle('bench/peers/floor-with-cached-middleware.ts', 'floor-cached'),
  };
  const warmVariants = [...variants, cachedFloor];

  const small = join(WORK, 'alert-2k.json');
  const large = join(WORK, 'alert-200k.json');
  writeFileSync(small, padTo(2_300));
  writeFileSync(large, JSON.stringify(baseAlert({ alertContext: { blob: 'x'.repeat(204_800) } })));

  const fake = await startFakeAws();
  const env = {
    ...process.env,
    QUEUE_URL: `${fake.sqsEndpoint}/000000000000/panther-alerts`,
    QUARANTINE_QUEUE_URL: `${fake.sqsEndpoint}/000000000000/panther-alerts-quarantine`,
    SECRET_ID: 'bench',
    AUTH_HEADER_NAME: 'X-Panther-Webhook-Secret',
    BENCH_SECRET,
    AWS_ENDPOINT_URL_SQS: fake.sqsEndpoint,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: fake.secretsEndpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    BENCH_BODY: small,
  };

  try {
    // Cold: load + first request, wall and CPU, in fresh processes.
    console.error(`Cold starts: ${COLD_ROUNDS.min}–${COLD_ROUNDS.max} interleaved rounds…`);
    const coldRatios = (cold: Runs) => ({
      coldVsFloor: pairRatios(cold, receiver, floor, 'coldMs'),
      coldCpuVsFloor: pairRatios(cold, receiver, floor, 'coldCpuMs'),
      coldVsNaive: pairRatios(cold, receiver, naive, 'coldMs'),
      coldCpuVsNaive: pairRatios(cold, receiver, naive, 'coldCpuMs'),
      coldVsUsualFloor: pairRatios(cold, receiver, usualFloor, 'coldMs'),
      coldCpuVsUsualFloor: pairRatios(cold, receiver, usualFloor, 'coldCpuMs'),
      coldWithoutSecretReadVsFloor: pairRatios(cold, staticSecret, floor, 'coldCpuMs'),
    });
    const cold = await interleavedRounds(coldVariants, COLD_ROUNDS, (v) => measure(v, env, ['cold', v.file, small]), coldRatios);

    console.error(`Warm requests: ${WARM_ROUNDS.min}–${WARM_ROUNDS.max} interleaved rounds…`);
    const warmRatios = (warm: Runs) => ({
      warm2kVsSdk: pairRatios(warm, receiver, floor, 'smallMs'),
      warm200kVsSdk: pairRatios(warm, receiver, floor, 'largeMs'),
      warm2kVsCachedSdk: pairRatios(warm, receiver, cachedFloor, 'smallMs'),
      warm200kVsCachedSdk: pairRatios(warm, receiver, cachedFloor, 'largeMs'),
    });
    const warm = await interleavedRounds(
      warmVariants,
      WARM_ROUNDS,
      async (v) => {
        const s = await measure(v, env, ['warm', v.file, small, String(WARM_REQUESTS.small)]);
        const l = await measure(v, env, ['warm', v.file, large, String(WARM_REQUESTS.large)]);
        return {
          smallMs: s.perRequestMs!,
          smallCpuMs: s.perRequestCpuMs!,
          largeMs: l.perRequestMs!,
          largeCpuMs: l.perRequestCpuMs!,
          rssMb: s.rssMb!,
        };
      },
      warmRatios,
    );

    const throughput = await localThroughput(readFileSync(small, 'utf8'));

    const of = (runs: Runs, v: Variant, key: string) => median(runs.get(v.name)!.map((r) => r[key]!));
    const coldStat = (v: Variant): ColdStats => ({
      size: size(v.file),
      importMs: of(cold, v, 'importMs'),
      firstRequestMs: of(cold, v, 'firstRequestMs'),
      coldMs: of(cold, v, 'coldMs'),
      coldCpuMs: of(cold, v, 'coldCpuMs'),
    });
    const warmStat = (v: Variant): WarmStats => ({
      warm2kMs: of(warm, v, 'smallMs'),
      warm2kCpuMs: of(warm, v, 'smallCpuMs'),
      warm200kMs: of(warm, v, 'largeMs'),
      warm200kCpuMs: of(warm, v, 'largeCpuMs'),
      rssMb: of(warm, v, 'rssMb'),
    });
    const stat = (v: Variant): BundleStats => ({ ...coldStat(v), ...warmStat(v) });
    const ratios: Record<string, Spread> = Object.fromEntries(
      Object.entries({ ...coldRatios(cold), ...warmRatios(warm) }).map(([name, values]) => [name, spreadOf(values)]),
    );
    const localVsDirect = spreadOf(throughput.webhook.map((w, i) => w / throughput.direct[i]!));
    const results = {
      machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version, date: new Date().toISOString() },
      rounds: { cold: cold.get('receiver')!.length, warm: warm.get('receiver')!.length },
      receiver: stat(receiver),
      floor: stat(floor),
      naive: stat(naive),
      usualFloor: coldStat(usualFloor),
      cachedFloor: warmStat(cachedFloor),
      throughput,
    };
    const memory = memoryTable(results.receiver);
    writeFileSync(
      join(__dirname, 'results.json'),
      `${JSON.stringify({ ...results, ratios, localVsDirect, targets: TARGETS, memory }, null, 2)}\n`,
    );
    printTables(results, ratios, localVsDirect, memory);
  } finally {
    fake.close();
  }
}

/** Targets: ratios to the floor (or peer) measured in the same run; local throughput is a floor. */
const TARGETS: Record<string, number> = {
  coldVsFloor: 1.1,
  coldCpuVsFloor: 1.1,
  warm2kVsSdk: 1.15,
  warm200kVsSdk: 1.25,
  localVsDirect: 0.8,
};

interface ColdStats {
  readonly size: { raw: number; gzip: number };
  readonly importMs: number;
  readonly firstRequestMs: number;
  readonly coldMs: number;
  readonly coldCpuMs: number;
}

type WarmStats = Pick<MeasuredTimes, 'warm2kMs' | 'warm2kCpuMs' | 'warm200kMs' | 'warm200kCpuMs'> & { readonly rssMb: number };

interface BundleStats extends WarmStats, ColdStats {}

function printTables(
  results: {
    receiver: BundleStats;
    floor: BundleStats;
    naive: BundleStats;
    usualFloor: ColdStats;
    cachedFloor: WarmStats;
    throughput: LocalThroughput;
    rounds: { cold: number; warm: number };
  },
  ratios: Record<string, Spread>,
  localVsDirect: Spread,
  memory: readonly MemoryRow[],
): void {
  const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;
  const ms = (n: number) => `${n.toFixed(n < 10 ? 2 : 1)} ms`;
  const all = [results.receiver, results.floor, results.naive];
  const cold = [...all, results.usualFloor];
  table([
    ['', 'receiver', 'floor (same build)', 'naive peer (usual build)', 'floor (usual build)'],
    ['bundle (raw / gzip)', ...cold.map((s) => `${kb(s.size.raw)} / ${kb(s.size.gzip)}`)],
    ['cold: load', ...cold.map((s) => ms(s.importMs))],
    ['cold: first request (secret + send)', ...cold.map((s) => ms(s.firstRequestMs))],
    ['cold: load + first request, wall', ...cold.map((s) => ms(s.coldMs))],
    ['cold: load + first request, CPU', ...cold.map((s) => ms(s.coldCpuMs))],
    ['warm 2.3 KB, wall / CPU', ...all.map((s) => `${ms(s.warm2kMs)} / ${ms(s.warm2kCpuMs)}`), '–'],
    ['warm 200 KB, wall / CPU', ...all.map((s) => `${ms(s.warm200kMs)} / ${ms(s.warm200kCpuMs)}`), '–'],
    ['RSS after load', ...all.map((s) => `${s.rssMb.toFixed(0)} MB`), '–'],
  ]);
  const { cachedFloor } = results;
  console.log(
    `\nThe floor with its middleware cached, warm (wall / CPU): 2.3 KB ${ms(cachedFloor.warm2kMs)} / ${ms(cachedFloor.warm2kCpuMs)}, 200 KB ${ms(cachedFloor.warm200kMs)} / ${ms(cachedFloor.warm200kCpuMs)}.`,
  );
  console.log(`Medians of ${results.rounds.cold} cold and ${results.rounds.warm} warm interleaved rounds.`);
  const { webhook, direct, cpuPerAlertUs } = results.throughput;
  const perSecond = (values: readonly number[]) => values.map((v) => v.toFixed(0)).join(', ');
  console.log(
    `Local end to end (${webhook.length} rounds, both paths warm): ${perSecond(webhook)} alerts/s through npm start vs ${perSecond(direct)} SendMessage/s direct\n`,
  );
  const us = (n: number | undefined) => (n === undefined ? '–' : `${n} µs`);
  table([
    ['CPU per alert (last round)', 'sending side', 'server: main thread', 'server: fauxqs worker', 'server: other threads', 'total'],
    ...(['webhook', 'direct'] as const).map((phase) => {
      const c = cpuPerAlertUs[phase];
      const total = c.serverMain === undefined ? undefined : c.sender + c.serverMain + (c.sqsWorker ?? 0) + (c.serverRest ?? 0);
      return [
        phase === 'webhook' ? 'through npm start (autocannon → server → fauxqs)' : 'direct (SDK senders → fauxqs)',
        us(c.sender),
        us(c.serverMain),
        us(c.sqsWorker),
        us(c.serverRest),
        us(total),
      ];
    }),
  ]);
  console.log('');
  const names: Record<string, string> = {
    coldVsFloor: 'cold load + first request vs floor (wall)',
    coldCpuVsFloor: 'cold load + first request vs floor (CPU)',
    coldVsUsualFloor: 'the same vs the floor bundled the usual way (wall)',
    coldCpuVsUsualFloor: 'the same vs the floor bundled the usual way (CPU)',
    coldVsNaive: 'cold load + first request vs naive peer (wall)',
    coldCpuVsNaive: 'cold load + first request vs naive peer (CPU)',
    coldWithoutSecretReadVsFloor: 'receiver with the secret handed in vs floor (CPU)',
    warm2kVsSdk: 'warm 2.3 KB vs bare SDK send',
    warm200kVsSdk: 'warm 200 KB vs bare SDK send',
    warm2kVsCachedSdk: 'warm 2.3 KB vs SDK send, middleware cached',
    warm200kVsCachedSdk: 'warm 200 KB vs SDK send, middleware cached',
  };
  const x = (n: number) => `${n.toFixed(2)}×`;
  table([
    ['ratio (same run)', 'median', 'middle half', '95 % interval of the median', 'target', ''],
    ...Object.entries(names).map(([key, name]) => {
      const r = ratios[key]!;
      const target = TARGETS[key];
      return [
        name,
        x(r.median),
        `${x(r.p25)}–${x(r.p75)}`,
        `${x(r.low)}–${x(r.high)} (±${(r.halfWidth * 100).toFixed(1)} %)`,
        target === undefined ? '–' : `≤ ${x(target)}`,
        target === undefined ? '' : r.median <= target ? 'met' : 'not met',
      ];
    }),
    [
      'local throughput vs direct send',
      x(localVsDirect.median),
      `${x(localVsDirect.p25)}–${x(localVsDirect.p75)}`,
      '–',
      `≥ ${x(TARGETS.localVsDirect!)}`,
      localVsDirect.median >= TARGETS.localVsDirect! ? 'met' : 'not met',
    ],
  ]);
  console.log("\nProjected on Lambda (arm64) from the receiver's measured CPU time (CPU share = memory / 1,769 MB):");
  table([
    [
      'memory',
      'vCPU',
      'cold start (load + first request)',
      'warm 2.3 KB',
      'warm 200 KB',
      '$ per million alerts (2.3 KB)',
      '+ per 10 ms of SQS round trip',
    ],
    ...memory.map((row) => [
      `${row.memoryMb} MB`,
      row.vcpu.toFixed(2),
      ms(row.coldMs),
      ms(row.warm2kMs),
      ms(row.warm200kMs),
      `$${row.costPerMillion.toFixed(3)}`,
      `$${row.costPer10msWait.toFixed(3)}`,
    ]),
  ]);
}

function table(rows: string[][]): void {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]) => `| ${r.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')} |`;
  console.log(line(rows[0]!));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows.slice(1)) console.log(line(r));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
