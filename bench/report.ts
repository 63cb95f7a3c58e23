/**
 * What `npm run bench` reports from the numbers it measured: each ratio's median and spread against
 * its target, the projection onto Lambda, the content of bench/results.json, and the tables it prints.
 */
import { memoryTable, type MemoryRow } from './lambda-projection';
import type { LocalThroughput } from './local-throughput';
import { type Spread, spreadOf } from './statistics';
import type { VariantStats } from './variants';

/** Targets: ratios to the floor (or peer) measured in the same run; local throughput is a floor. */
export const TARGETS: Record<string, number> = {
  coldVsFloor: 1.1,
  coldCpuVsFloor: 1.1,
  warm2kVsSdk: 1.15,
  warm200kVsSdk: 1.25,
  localVsDirect: 0.8,
};

/** Everything measured: the machine, each variant's medians, local mode's throughput. */
export interface Results extends VariantStats {
  readonly machine: { readonly cpus: number; readonly model: string | undefined; readonly node: string; readonly date: string };
  readonly throughput: LocalThroughput;
}

/** The results with what follows from them; bench/results.json holds it, in this order. */
export interface Report extends Results {
  readonly ratios: Record<string, Spread>;
  readonly localVsDirect: Spread;
  readonly targets: Record<string, number>;
  readonly memory: readonly MemoryRow[];
}

/** The results, each ratio's per-round values as a spread, local mode against direct sending round by round, the projection. */
export function reportOf(results: Results, ratios: Record<string, readonly number[]>): Report {
  const { webhook, direct } = results.throughput;
  return {
    ...results,
    ratios: Object.fromEntries(Object.entries(ratios).map(([name, values]) => [name, spreadOf(values)])),
    localVsDirect: spreadOf(webhook.map((w, i) => w / direct[i]!)),
    targets: TARGETS,
    memory: memoryTable(results.receiver),
  };
}

/** The lines `npm run bench` prints: the comparison, local mode's CPU per alert, the ratios, the projection. */
export function reportLines(report: Report): string[] {
  const lines: string[] = [];
  const log = (line: string) => lines.push(line);
  const table = (rows: string[][]) => lines.push(...tableLines(rows));
  const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;
  const ms = (n: number) => `${n.toFixed(n < 10 ? 2 : 1)} ms`;
  const all = [report.receiver, report.floor, report.naive];
  const cold = [...all, report.usualFloor];
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
  const { cachedFloor } = report;
  log(
    `\nThe floor with its middleware cached, warm (wall / CPU): 2.3 KB ${ms(cachedFloor.warm2kMs)} / ${ms(cachedFloor.warm2kCpuMs)}, 200 KB ${ms(cachedFloor.warm200kMs)} / ${ms(cachedFloor.warm200kCpuMs)}.`,
  );
  const { sdkS3 } = report;
  log(
    `The receiver with its archive written by the SDK's S3 client: bundle ${kb(sdkS3.size.raw)} / ${kb(sdkS3.size.gzip)}, cold (wall / CPU) ${ms(sdkS3.coldMs)} / ${ms(sdkS3.coldCpuMs)}, warm 2.3 KB ${ms(sdkS3.warm2kMs)} / ${ms(sdkS3.warm2kCpuMs)}, 200 KB ${ms(sdkS3.warm200kMs)} / ${ms(sdkS3.warm200kCpuMs)}.`,
  );
  log(`Medians of ${report.rounds.cold} cold and ${report.rounds.warm} warm interleaved rounds.`);
  const { webhook, direct, cpuPerAlertUs } = report.throughput;
  const perSecond = (values: readonly number[]) => values.map((v) => v.toFixed(0)).join(', ');
  log(
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
  log('');
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
    coldSdkS3VsReceiver: 'archive by the SDK S3 client vs the signed PUT: cold (CPU)',
    warm2kSdkS3VsReceiver: 'archive by the SDK S3 client vs the signed PUT: warm 2.3 KB',
    warm200kSdkS3VsReceiver: 'archive by the SDK S3 client vs the signed PUT: warm 200 KB',
  };
  const x = (n: number) => `${n.toFixed(2)}×`;
  table([
    ['ratio (same run)', 'median', 'middle half', '95 % interval of the median', 'target', ''],
    ...Object.entries(names).map(([key, name]) => {
      const r = report.ratios[key]!;
      const target = report.targets[key];
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
      x(report.localVsDirect.median),
      `${x(report.localVsDirect.p25)}–${x(report.localVsDirect.p75)}`,
      '–',
      `≥ ${x(report.targets.localVsDirect!)}`,
      report.localVsDirect.median >= report.targets.localVsDirect! ? 'met' : 'not met',
    ],
  ]);
  log("\nProjected on Lambda (arm64) from the receiver's measured CPU time (CPU share = memory / 1,769 MB):");
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
    ...report.memory.map((row) => [
      `${row.memoryMb} MB`,
      row.vcpu.toFixed(2),
      ms(row.coldMs),
      ms(row.warm2kMs),
      ms(row.warm200kMs),
      `$${row.costPerMillion.toFixed(3)}`,
      `$${row.costPer10msWait.toFixed(3)}`,
    ]),
  ]);
  return lines;
}

/** A Markdown table, each column as wide as its widest cell. */
export function tableLines(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]) => `| ${r.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')} |`;
  return [line(rows[0]!), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.slice(1).map(line)];
}
