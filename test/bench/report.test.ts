/** The benchmark's report: what results.json holds and the tables it prints, from given numbers. */
import type { LocalThroughput } from '../../bench/local-throughput';
import { reportLines, reportOf, type Results, tableLines } from '../../bench/report';

const bundle = (
  raw: number,
  gzip: number,
  [importMs, firstRequestMs, coldMs, coldCpuMs]: number[],
  [warm2kMs, warm2kCpuMs, warm200kMs, warm200kCpuMs, rssMb]: number[],
) => ({
  size: { raw, gzip },
  importMs: importMs!,
  firstRequestMs: firstRequestMs!,
  coldMs: coldMs!,
  coldCpuMs: coldCpuMs!,
  warm2kMs: warm2kMs!,
  warm2kCpuMs: warm2kCpuMs!,
  warm200kMs: warm200kMs!,
  warm200kCpuMs: warm200kCpuMs!,
  rssMb: rssMb!,
});

const throughput = (webhook: number[]): LocalThroughput => ({
  webhook,
  direct: [1_000, 1_000, 1_000],
  cpuPerAlertUs: { webhook: { sender: 40, serverMain: 120, sqsWorker: 30, serverRest: 5 }, direct: { sender: 60 } },
});

const results = (webhook = [800, 900, 1_000]): Results => ({
  machine: { cpus: 2, model: 'test CPU', node: 'v20.0.0', date: '2026-01-01T00:00:00.000Z' },
  rounds: { cold: 30, warm: 10 },
  receiver: bundle(102_400, 30_720, [8, 4.5, 12.5, 10], [0.5, 0.4, 3, 2.5, 60.4]),
  floor: bundle(51_200, 20_480, [6, 4, 10, 8], [0.45, 0.35, 2.4, 2, 55]),
  naive: bundle(512_000, 153_600, [40, 5, 45, 42], [1.2, 1.1, 4, 3.8, 90]),
  usualFloor: { size: { raw: 204_800, gzip: 61_440 }, importMs: 9, firstRequestMs: 4, coldMs: 13, coldCpuMs: 11 },
  cachedFloor: { warm2kMs: 0.42, warm2kCpuMs: 0.33, warm200kMs: 2.3, warm200kCpuMs: 1.9, rssMb: 54 },
  sdkS3: bundle(204_800, 61_440, [10, 5.5, 15.5, 13], [0.6, 0.5, 3.5, 3, 70]),
  throughput: throughput(webhook),
});

/** Every round the same ratio: the interval has no width. */
const steady = (ratio: number) => [ratio, ratio, ratio, ratio, ratio];
const ratios = {
  coldVsFloor: steady(1.25),
  coldCpuVsFloor: steady(1.1),
  coldVsNaive: steady(0.3),
  coldCpuVsNaive: steady(0.25),
  coldVsUsualFloor: steady(0.95),
  coldCpuVsUsualFloor: steady(0.9),
  coldWithoutSecretReadVsFloor: steady(1.02),
  warm2kVsSdk: steady(1.1),
  warm200kVsSdk: steady(1.3),
  warm2kVsCachedSdk: steady(1.2),
  warm200kVsCachedSdk: steady(1.4),
  coldSdkS3VsReceiver: steady(1.2),
  warm2kSdkS3VsReceiver: steady(1.1),
  warm200kSdkS3VsReceiver: steady(1.15),
};

/** The cells of the table row whose first cell is this label. */
function row(lines: readonly string[], label: string): string[] {
  const rows = lines
    .filter((l) => l.startsWith('|'))
    .map((l) =>
      l
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
  const found = rows.find((cells) => cells[0] === label);
  if (!found) throw new Error(`no row ${label}`);
  return found;
}

describe('tableLines', () => {
  it('pads every column to its widest cell and rules off the header', () => {
    expect(
      tableLines([
        ['', 'ab'],
        ['xyz', 'c'],
      ]),
    ).toEqual(['|     | ab |', '|-----|----|', '| xyz | c  |']);
  });
});

describe('reportOf', () => {
  const report = reportOf(results(), ratios);

  it('keeps results.json in its order: the results, then the spreads, the targets and the projection', () => {
    expect(Object.keys(report)).toEqual([
      'machine',
      'rounds',
      'receiver',
      'floor',
      'naive',
      'usualFloor',
      'cachedFloor',
      'sdkS3',
      'throughput',
      'ratios',
      'localVsDirect',
      'targets',
      'memory',
    ]);
    expect(report.targets).toEqual({ coldVsFloor: 1.1, coldCpuVsFloor: 1.1, warm2kVsSdk: 1.15, warm200kVsSdk: 1.25, localVsDirect: 0.8 });
  });

  it("spreads each ratio's rounds, and local mode against direct sending round by round", () => {
    expect(Object.keys(report.ratios)).toEqual(Object.keys(ratios));
    expect(report.ratios.coldVsFloor).toMatchObject({ median: 1.25, low: 1.25, high: 1.25, halfWidth: 0 });
    // 800/1000, 900/1000, 1000/1000
    expect(report.localVsDirect.median).toBeCloseTo(0.9, 10);
    expect(report.localVsDirect.p25).toBeCloseTo(0.85, 10);
    expect(report.localVsDirect.p75).toBeCloseTo(0.95, 10);
  });

  it("projects the receiver's times onto the Lambda memory sizes", () => {
    expect(report.memory.map((r) => r.memoryMb)).toEqual([256, 512, 1_024, 1_769]);
    // One full vCPU at 1,769 MB: the times measured here.
    expect(report.memory[3]).toMatchObject({ vcpu: 1, coldMs: 12.5, warm2kMs: 0.5, warm200kMs: 3 });
  });
});

describe('reportLines', () => {
  const lines = reportLines(reportOf(results(), ratios));

  it('compares the bundles cold and warm, in KB, MB and ms (two decimals below 10 ms, one above)', () => {
    const expected = [
      ['', 'receiver', 'floor (same build)', 'naive peer (usual build)', 'floor (usual build)'],
      ['bundle (raw / gzip)', '100 KB / 30 KB', '50 KB / 20 KB', '500 KB / 150 KB', '200 KB / 60 KB'],
      ['cold: load', '8.00 ms', '6.00 ms', '40.0 ms', '9.00 ms'],
      ['cold: load + first request, wall', '12.5 ms', '10.0 ms', '45.0 ms', '13.0 ms'],
      ['warm 2.3 KB, wall / CPU', '0.50 ms / 0.40 ms', '0.45 ms / 0.35 ms', '1.20 ms / 1.10 ms', '–'],
      ['RSS after load', '60 MB', '55 MB', '90 MB', '–'],
    ];
    for (const cells of expected) expect(row(lines, cells[0]!)).toEqual(cells);
  });

  it('says the cached floor, the rounds and the local rates in sentences', () => {
    expect(lines).toContain(
      '\nThe floor with its middleware cached, warm (wall / CPU): 2.3 KB 0.42 ms / 0.33 ms, 200 KB 2.30 ms / 1.90 ms.',
    );
    expect(lines).toContain('Medians of 30 cold and 10 warm interleaved rounds.');
    expect(lines).toContain(
      'Local end to end (3 rounds, both paths warm): 800, 900, 1000 alerts/s through npm start vs 1000, 1000, 1000 SendMessage/s direct\n',
    );
  });

  it("totals each path's CPU per alert, and shows none where the server's threads were not read", () => {
    expect(row(lines, 'through npm start (autocannon → server → fauxqs)').slice(1)).toEqual(['40 µs', '120 µs', '30 µs', '5 µs', '195 µs']);
    expect(row(lines, 'direct (SDK senders → fauxqs)').slice(1)).toEqual(['60 µs', '–', '–', '–', '–']);
  });

  it('holds each ratio against its target, where it has one', () => {
    expect(row(lines, 'cold load + first request vs floor (wall)').slice(1)).toEqual([
      '1.25×',
      '1.25×–1.25×',
      '1.25×–1.25× (±0.0 %)',
      '≤ 1.10×',
      'not met',
    ]);
    expect(row(lines, 'cold load + first request vs floor (CPU)').slice(4)).toEqual(['≤ 1.10×', 'met']); // at the target
    expect(row(lines, 'warm 2.3 KB vs bare SDK send').slice(4)).toEqual(['≤ 1.15×', 'met']);
    expect(row(lines, 'warm 200 KB vs bare SDK send').slice(4)).toEqual(['≤ 1.25×', 'not met']);
    expect(row(lines, 'cold load + first request vs naive peer (wall)').slice(4)).toEqual(['–', '']);
    expect(row(lines, 'local throughput vs direct send').slice(1)).toEqual(['0.90×', '0.85×–0.95×', '–', '≥ 0.80×', 'met']);
    const slower = reportLines(reportOf(results([700, 700, 700]), ratios));
    expect(row(slower, 'local throughput vs direct send').slice(1)).toEqual(['0.70×', '0.70×–0.70×', '–', '≥ 0.80×', 'not met']);
    const atTarget = reportLines(reportOf(results([800, 800, 800]), ratios));
    expect(row(atTarget, 'local throughput vs direct send').slice(4)).toEqual(['≥ 0.80×', 'met']);
  });

  it('prints the projection onto Lambda last, priced per million alerts', () => {
    // 1,769 MB: the measured times; 1.7275 GB × 1 ms billed × $0.0000133334 per GB-s, a million times, plus $0.20.
    expect(row(lines, '1769 MB')).toEqual(['1769 MB', '1.00', '12.5 ms', '0.50 ms', '3.00 ms', '$0.223', '$0.230']);
    expect(lines.at(-1)).toBe(lines.find((l) => l.startsWith('| 1769 MB ')));
    expect(lines.indexOf("\nProjected on Lambda (arm64) from the receiver's measured CPU time (CPU share = memory / 1,769 MB):")).toBe(
      lines.length - 7,
    );
  });
});

describe('the report as a whole', () => {
  it('prints the four tables in order, each a header, a rule and its rows', () => {
    const lines = reportLines(reportOf(results(), ratios));
    const rules = lines.flatMap((l, i) => (/^\|-+(\|-+)*\|$/.test(l) ? [i] : []));
    expect(rules.map((i) => lines[i - 1]!.split('|')[1]!.trim())).toEqual(['', 'CPU per alert (last round)', 'ratio (same run)', 'memory']);
    // 10 + 4 sentences + 4 + a blank line + 17 + a sentence + 6
    expect(lines).toHaveLength(43);
  });
});
