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
import { localThroughput } from './local-throughput';
import { reportLines, reportOf } from './report';
import { buildVariants, coldRatios, coldRounds, measureEnv, variantStats, warmRatios, warmRounds, writeAlerts } from './variants';

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

    const report = reportOf(
      {
        machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version, date: new Date().toISOString() },
        ...variantStats(variants, cold, warm),
        throughput,
      },
      { ...coldRatios(variants, cold), ...warmRatios(variants, warm) },
    );
    writeFileSync(join(__dirname, 'results.json'), `${JSON.stringify(report, null, 2)}\n`);
    for (const line of reportLines(report)) console.log(line);
  } finally {
    fake.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
