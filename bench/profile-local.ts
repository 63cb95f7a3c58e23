/**
 * `node --import tsx bench/profile-local.ts`: where local mode's CPU goes per alert. Starts npm
 * start's server under `--cpu-prof`, drives it with autocannon (warm-up, then the measured part),
 * stops it, and sorts each thread's self time by who spent it: the receiver, middy, the AWS SDK,
 * Node's HTTP and sockets, fauxqs… Offline, loopback only, bounded by time.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { padTo } from '../scripts/sample-alerts';
import { startLocalServer } from './local-server';

const SECONDS = { warmUp: 3, measured: 10 };

interface CpuProfile {
  readonly nodes: Array<{ id: number; callFrame: { functionName: string; url: string } }>;
  readonly samples: number[];
  readonly timeDeltas: number[];
}

/** Who spent a sample: by the script's path or the built-in's name. */
function spender({ url, functionName }: { url: string; functionName: string }): string {
  if (!url)
    return functionName === '(idle)' ? 'idle' : functionName === '(garbage collector)' ? 'garbage collector' : `native: ${functionName}`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (pkg) return pkg.startsWith('@aws-sdk/') || pkg.startsWith('@smithy/') ? 'AWS SDK' : pkg;
  if (url.includes('/functions/')) return 'receiver (functions/)';
  if (url.includes('/local/')) return 'local server (local/)';
  if (/^node:(_http|http|net|stream|internal\/(streams|http|stream_base))/.test(url)) return "Node's HTTP, sockets and streams";
  return /^node:/.test(url) ? `Node: ${url.replace(/^node:(internal\/)?([^/]+).*/, '$2')}` : url;
}

function selfTimes(profile: CpuProfile): Map<string, number> {
  const perNode = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    perNode.set(id, (perNode.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  const totals = new Map<string, number>();
  for (const node of profile.nodes) {
    const key = spender(node.callFrame);
    totals.set(key, (totals.get(key) ?? 0) + (perNode.get(node.id) ?? 0));
  }
  return totals;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'profile-local-'));
  const server = await startLocalServer(['--cpu-prof', '--cpu-prof-dir', dir]);
  try {
    const options = {
      url: server.webhookUrl,
      method: 'POST' as const,
      headers: { 'content-type': 'application/json', ...server.authHeader },
      body: padTo(2_300),
      connections: 32,
    };
    await autocannon({ ...options, duration: SECONDS.warmUp });
    const measured = await autocannon({ ...options, duration: SECONDS.measured });
    const alerts = measured['2xx'];
    await server.stop(); // the profiles are written as the process exits

    console.log(`${alerts} alerts in ${SECONDS.measured} s after a ${SECONDS.warmUp} s warm-up (the profile covers both).`);
    for (const file of readdirSync(dir).sort()) {
      const times = selfTimes(JSON.parse(readFileSync(join(dir, file), 'utf8')));
      const busy = [...times].filter(([key]) => key !== 'idle').reduce((sum, [, ms]) => sum + ms, 0);
      if (busy < 1_000) continue; // threads that only started up
      const thread = Number(file.split('.').at(-3));
      console.log(
        `\n${thread === 0 ? 'Main thread (HTTP server, receiver, SDK)' : `Worker thread ${thread} (fauxqs)`}: ${busy.toFixed(0)} ms busy`,
      );
      for (const [key, ms] of [...times]
        .filter(([k]) => k !== 'idle')
        .sort((a, b) => b[1] - a[1])
        .slice(0, 12)) {
        console.log(`${((100 * ms) / busy).toFixed(1).padStart(6)} %  ${key}`);
      }
    }
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
