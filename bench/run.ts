/**
 * `npm run bench`: the receiver's cost against the floor (import the SQS client, forward the body)
 * and a typical peer (middy + JSON body parser + ajv.compile at load + re-serialization), side by
 * side in one run on this machine. The floor is built with the receiver's own esbuild settings, so
 * the ratio is what the receiver's code adds; the floor bundled the usual way, and the naive peer,
 * show what those settings save. Offline; loopback only; every loop is bounded. Prints the tables
 * and writes bench/results.json.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { startFakeAws } from './fake-sqs';
import { memoryTable, type MemoryRow } from './lambda-projection';
import { type LocalThroughput, localThroughput } from './local-throughput';
import { type Spread, spreadOf } from './statistics';
import {
  type BundleStats,
  buildVariants,
  type ColdStats,
  coldRatios,
  coldRounds,
  measureEnv,
  variantStats,
  type WarmStats,
  warmRatios,
  warmRounds,
  writeAlerts,
} from './variants';

// The Lambda runs Node.js 24; the SDK's notice about Node.js 20 concerns only this machine.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

async function main(): Promise<void> {
  const variants = await buildVariants();
  const alerts = writeAlerts();
  const fake = await startFakeAws();
  const env = measureEnv(fake, alerts);
  try {
    const cold = await coldRounds(variants, env, alerts);
    const warm = await warmRounds(variants, env, alerts);
    const throughput = await localThroughput(readFileSync(alerts.small, 'utf8'));

    const ratios: Record<string, Spread> = Object.fromEntries(
      Object.entries({ ...coldRatios(variants, cold), ...warmRatios(variants, warm) }).map(([name, values]) => [name, spreadOf(values)]),
    );
    const localVsDirect = spreadOf(throughput.webhook.map((w, i) => w / throughput.direct[i]!));
    const results = {
      machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version, date: new Date().toISOString() },
      ...variantStats(variants, cold, warm),
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
