// One measurement in a fresh process (so "cold" really is cold). Writes JSON to the file in argv[2].
//   cold  BUNDLE        import time, then the first request
//   warm  BUNDLE BODY N per-request time over N requests (after a warm-up), and RSS
// BODY is a file with the alert; the event is what API Gateway sends (base64 body, secret header).
const { performance } = require('node:perf_hooks');
const { readFileSync, writeFileSync } = require('node:fs');

const [out, mode, bundle, bodyFile, count] = process.argv.slice(2);
const t0 = performance.now();
const { handler } = require(bundle);
const importMs = performance.now() - t0;

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
    writeFileSync(out, JSON.stringify({ importMs, firstRequestMs: performance.now() - t1 }));
  } else {
    const n = Number(count);
    for (let i = 0; i < Math.min(200, n); i += 1) await invoke();
    const t1 = performance.now();
    for (let i = 0; i < n; i += 1) await invoke();
    writeFileSync(out, JSON.stringify({ perRequestMs: (performance.now() - t1) / n, rssMb: process.memoryUsage().rss / 2 ** 20 }));
  }
  process.exit(0);
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
