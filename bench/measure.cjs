// One measurement in a fresh process (so "cold" really is cold). Writes JSON to the file in argv[2].
//   cold  BUNDLE        import, then the first request (secret fetch and SQS send included): wall
//                       and CPU time of each, what Panther waits for on a cold start
//   warm  BUNDLE BODY N per-request wall and CPU time over N requests (after a warm-up), and RSS
// BODY is a file with the alert; the event is what API Gateway sends (base64 body, secret header).
const { performance } = require('node:perf_hooks');
const { readFileSync, writeFileSync } = require('node:fs');

const [out, mode, bundle, bodyFile, count] = process.argv.slice(2);
const cpuMs = (since) => {
  const { user, system } = process.cpuUsage(since);
  return (user + system) / 1000;
};
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const { handler } = require(bundle);
const importMs = performance.now() - t0;
const importCpuMs = cpuMs(cpu0);

const body = readFileSync(bodyFile ?? process.env.BENCH_BODY);
const event = {
  httpMethod: 'POST',
  path: '/alerts',
  headers: { 'content-type': 'application/json', [process.env.AUTH_HEADER_NAME]: process.env.BENCH_SECRET },
  body: body.toString('base64'),
  isBase64Encoded: true,
  requestContext: {},
};
const context = () => {
  const deadline = Date.now() + 10_000;
  return { getRemainingTimeInMillis: () => deadline - Date.now(), awsRequestId: 'bench' };
};
const invoke = async () => {
  const result = await handler({ ...event }, context());
  if (result.statusCode !== 200) throw new Error(`bench request answered ${result.statusCode}: ${result.body}`);
};

(async () => {
  if (mode === 'cold') {
    const t1 = performance.now();
    await invoke();
    const firstRequestMs = performance.now() - t1;
    writeFileSync(
      out,
      JSON.stringify({ importMs, firstRequestMs, coldMs: importMs + firstRequestMs, importCpuMs, coldCpuMs: cpuMs(cpu0) }),
    );
  } else {
    const n = Number(count);
    for (let i = 0; i < Math.min(200, n); i += 1) await invoke();
    const t1 = performance.now();
    const cpu1 = process.cpuUsage();
    for (let i = 0; i < n; i += 1) await invoke();
    const perRequestMs = (performance.now() - t1) / n;
    writeFileSync(out, JSON.stringify({ perRequestMs, perRequestCpuMs: cpuMs(cpu1) / n, rssMb: process.memoryUsage().rss / 2 ** 20 }));
  }
  process.exit(0);
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
