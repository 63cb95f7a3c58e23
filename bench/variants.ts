/**
 * What the benchmark measures: the receiver as `cdk synth` bundles it, the floor (import the SQS
 * client, forward the body) built with the receiver's esbuild settings and the usual ones, the naive
 * peer, and two variants that isolate one cost. Each is loaded in a fresh process (measure.cjs)
 * against the loopback fakes, cold (load + first request) and warm (per request), in interleaved
 * rounds; the medians per variant and the ratios between them come from those rounds.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { App } from 'aws-cdk-lib';
import { build } from 'esbuild';
import { PantherAlertForwarderStack } from '../lib/panther-alert-forwarder-stack';
import { BASE_BUILD_OPTIONS, buildFunctions, LAMBDA_BUILD_OPTIONS } from '../scripts/build-functions';
import { baseAlert, padTo } from '../scripts/sample-alerts';
import { BENCH_SECRET, type FakeAws } from './fake-sqs';
import type { MeasuredTimes } from './lambda-projection';
import { interleavedRounds, pairRatios, type Runs } from './rounds';
import { median } from './statistics';

const ROOT = join(__dirname, '..');
const WORK = join(__dirname, '.build');
/** Cold rounds: at least this many, then until every cold ratio's 95 % interval is within ±2.5 %. */
const COLD_ROUNDS = { min: 30, max: 80 };
/** Warm rounds (each: every variant, both sizes, in fresh processes), until the same ±2.5 % holds. */
const WARM_ROUNDS = { min: 10, max: 20 };
const WARM_REQUESTS = { small: 600, large: 80 };

export interface Variant {
  readonly name: string;
  readonly file: string;
  readonly nodeOptions?: string;
}

export interface Variants {
  readonly receiver: Variant;
  readonly floor: Variant;
  readonly naive: Variant;
  /** Cold only: the floor as an SDK-only forwarder is usually bundled, without the receiver's trims. */
  readonly usualFloor: Variant;
  /** Cold only: what reading the secret costs (not deployable). */
  readonly staticSecret: Variant;
  /** Warm only: the floor with the SDK set up as the receiver's client is (middleware resolved once). */
  readonly cachedFloor: Variant;
  /** The receiver with the archive written by the SDK's S3 client instead of its signed PUT (the choice measured). */
  readonly sdkS3: Variant;
}

/** The sample alerts' files: about 2.3 KB, and about 200 KB. */
export interface Alerts {
  readonly small: string;
  readonly large: string;
}

/** The deployable bundle exactly as `cdk synth` makes it. */
function synthesizedBundle(): string {
  const outdir = join(WORK, 'cdk.out');
  rmSync(outdir, { recursive: true, force: true });
  const app = new App({ outdir });
  const stack = new PantherAlertForwarderStack(app, 'Bench');
  app.synth();
  const template = JSON.parse(readFileSync(join(outdir, `${stack.stackName}.template.json`), 'utf8'));
  // The receiver: the function that reads the webhook secret (the stack has processors too).
  const fn = Object.values(
    template.Resources as Record<string, { Type: string; Properties: { Code: { S3Key: string }; Environment?: { Variables?: object } } }>,
  ).find((r) => r.Type === 'AWS::Lambda::Function' && 'SECRET_ID' in (r.Properties.Environment?.Variables ?? {}))!;
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

/** Empties bench/.build and builds every variant into it. */
export async function buildVariants(): Promise<Variants> {
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  console.error('Building bundles…');
  await buildFunctions();
  return {
    receiver: { name: 'receiver', file: synthesizedBundle() },
    floor: { name: 'floor', file: await bundle('bench/peers/floor.ts', 'floor') },
    naive: { name: 'naive peer', file: await bundle('bench/peers/naive.ts', 'naive', 'usual') },
    usualFloor: { name: 'floor, usual build', file: await bundle('bench/peers/floor.ts', 'floor-usual', 'usual') },
    staticSecret: {
      name: 'receiver, secret handed in',
      file: await bundle('bench/peers/receiver-with-secret-handed-in.ts', 'static-secret'),
    },
    cachedFloor: {
      name: 'floor, middleware cached',
      file: await bundle('bench/peers/floor-with-cached-middleware.ts', 'floor-cached'),
    },
    sdkS3: { name: 'receiver, archive by the SDK S3 client', file: await bundle('bench/peers/receiver-with-sdk-s3.ts', 'sdk-s3') },
  };
}

/** Writes the sample alerts into bench/.build (after buildVariants). */
export function writeAlerts(): Alerts {
  const small = join(WORK, 'alert-2k.json');
  const large = join(WORK, 'alert-200k.json');
  writeFileSync(small, padTo(2_300));
  writeFileSync(large, JSON.stringify(baseAlert({ alertContext: { blob: 'x'.repeat(204_800) } })));
  return { small, large };
}

/** The environment a variant runs in: Lambda's, the AWS endpoints pointing at the fakes. */
export function measureEnv(fake: FakeAws, alerts: Alerts): NodeJS.ProcessEnv {
  return {
    ...process.env,
    QUEUE_URL: `${fake.sqsEndpoint}/000000000000/panther-alerts`,
    QUARANTINE_QUEUE_URL: `${fake.sqsEndpoint}/000000000000/panther-alerts-quarantine`,
    // As deployed: the archive is on by default, one PutObject in parallel with the sends per alert
    // (BENCH_ARCHIVE=off measures the receiver without it, as with `archive: false`).
    ...(process.env.BENCH_ARCHIVE === 'off' ? {} : { ARCHIVE_BUCKET: 'bench-archive', AWS_ENDPOINT_URL_S3: fake.s3Endpoint }),
    SECRET_ID: 'bench',
    AUTH_HEADER_NAME: 'X-Panther-Webhook-Secret',
    BENCH_SECRET,
    AWS_ENDPOINT_URL_SQS: fake.sqsEndpoint,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: fake.secretsEndpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    BENCH_BODY: alerts.small,
  };
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

/** Per-round ratios of the cold measurements: the receiver against the floors and the peer. */
export function coldRatios({ receiver, floor, naive, usualFloor, staticSecret, sdkS3 }: Variants, cold: Runs): Record<string, number[]> {
  return {
    coldSdkS3VsReceiver: pairRatios(cold, sdkS3, receiver, 'coldCpuMs'),
    coldVsFloor: pairRatios(cold, receiver, floor, 'coldMs'),
    coldCpuVsFloor: pairRatios(cold, receiver, floor, 'coldCpuMs'),
    coldVsNaive: pairRatios(cold, receiver, naive, 'coldMs'),
    coldCpuVsNaive: pairRatios(cold, receiver, naive, 'coldCpuMs'),
    coldVsUsualFloor: pairRatios(cold, receiver, usualFloor, 'coldMs'),
    coldCpuVsUsualFloor: pairRatios(cold, receiver, usualFloor, 'coldCpuMs'),
    coldWithoutSecretReadVsFloor: pairRatios(cold, staticSecret, floor, 'coldCpuMs'),
  };
}

/** Per-round ratios of the warm measurements: the receiver against the floor, plain and with its middleware cached. */
export function warmRatios({ receiver, floor, cachedFloor, sdkS3 }: Variants, warm: Runs): Record<string, number[]> {
  return {
    warm2kSdkS3VsReceiver: pairRatios(warm, sdkS3, receiver, 'smallMs'),
    warm200kSdkS3VsReceiver: pairRatios(warm, sdkS3, receiver, 'largeMs'),
    warm2kVsSdk: pairRatios(warm, receiver, floor, 'smallMs'),
    warm200kVsSdk: pairRatios(warm, receiver, floor, 'largeMs'),
    warm2kVsCachedSdk: pairRatios(warm, receiver, cachedFloor, 'smallMs'),
    warm200kVsCachedSdk: pairRatios(warm, receiver, cachedFloor, 'largeMs'),
  };
}

/** Cold: load + first request, wall and CPU, in fresh processes. */
export async function coldRounds(variants: Variants, env: NodeJS.ProcessEnv, alerts: Alerts): Promise<Runs> {
  console.error(`Cold starts: ${COLD_ROUNDS.min}–${COLD_ROUNDS.max} interleaved rounds…`);
  const { receiver, floor, naive, usualFloor, staticSecret, sdkS3 } = variants;
  return interleavedRounds(
    [receiver, floor, naive, usualFloor, staticSecret, sdkS3],
    COLD_ROUNDS,
    (v) => measure(v, env, ['cold', v.file, alerts.small]),
    (cold) => coldRatios(variants, cold),
  );
}

/** Warm: per request, both sizes, each in a fresh process. */
export async function warmRounds(variants: Variants, env: NodeJS.ProcessEnv, alerts: Alerts): Promise<Runs> {
  console.error(`Warm requests: ${WARM_ROUNDS.min}–${WARM_ROUNDS.max} interleaved rounds…`);
  const { receiver, floor, naive, cachedFloor, sdkS3 } = variants;
  return interleavedRounds(
    [receiver, floor, naive, cachedFloor, sdkS3],
    WARM_ROUNDS,
    async (v) => {
      const s = await measure(v, env, ['warm', v.file, alerts.small, String(WARM_REQUESTS.small)]);
      const l = await measure(v, env, ['warm', v.file, alerts.large, String(WARM_REQUESTS.large)]);
      return {
        smallMs: s.perRequestMs!,
        smallCpuMs: s.perRequestCpuMs!,
        largeMs: l.perRequestMs!,
        largeCpuMs: l.perRequestCpuMs!,
        rssMb: s.rssMb!,
      };
    },
    (warm) => warmRatios(variants, warm),
  );
}

export interface ColdStats {
  readonly size: { raw: number; gzip: number };
  readonly importMs: number;
  readonly firstRequestMs: number;
  readonly coldMs: number;
  readonly coldCpuMs: number;
}

export type WarmStats = Pick<MeasuredTimes, 'warm2kMs' | 'warm2kCpuMs' | 'warm200kMs' | 'warm200kCpuMs'> & { readonly rssMb: number };

export interface BundleStats extends WarmStats, ColdStats {}

/** Each variant's medians over the rounds it ran in, and how many rounds that was. */
export interface VariantStats {
  readonly rounds: { readonly cold: number; readonly warm: number };
  readonly receiver: BundleStats;
  readonly floor: BundleStats;
  readonly naive: BundleStats;
  readonly usualFloor: ColdStats;
  readonly cachedFloor: WarmStats;
  readonly sdkS3: BundleStats;
}

function size(file: string): { raw: number; gzip: number } {
  return { raw: statSync(file).size, gzip: gzipSync(readFileSync(file)).length };
}

export function variantStats(variants: Variants, cold: Runs, warm: Runs): VariantStats {
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
  return {
    rounds: { cold: cold.get(variants.receiver.name)!.length, warm: warm.get(variants.receiver.name)!.length },
    receiver: stat(variants.receiver),
    floor: stat(variants.floor),
    naive: stat(variants.naive),
    usualFloor: coldStat(variants.usualFloor),
    cachedFloor: warmStat(variants.cachedFloor),
    sdkS3: stat(variants.sdkS3),
  };
}
