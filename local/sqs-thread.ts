/**
 * The embedded SQS server on its own thread, so that in local mode the receiver and fauxqs use a
 * core each instead of sharing one (measured: bench/, BENCHMARKS.md). State stays in the thread.
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { startEmbeddedSqs, type EmbeddedSqs } from './embedded-sqs';

/** Starts the server in a worker thread; resolves once it listens. */
export function startEmbeddedSqsThread(port: number, host = '127.0.0.1'): Promise<EmbeddedSqs> {
  // The worker runs this same file; loader hooks do not reach workers, so it registers tsx itself.
  const bootstrap = `require('tsx/cjs'); require(${JSON.stringify(__filename)});`;
  const worker = new Worker(bootstrap, { eval: true, workerData: { port, host } });
  return new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (message: { endpoint?: string; error?: string }) => {
      if (message.error !== undefined) return reject(new Error(message.error));
      resolve({
        endpoint: message.endpoint!,
        stop: async () => {
          const stopped = new Promise((done) => worker.once('message', done));
          worker.postMessage('stop');
          await stopped;
          await worker.terminate();
        },
      });
    });
  });
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  const { port: listenPort, host } = workerData as { port: number; host: string };
  startEmbeddedSqs(listenPort, host).then(
    (sqs) => {
      port.postMessage({ endpoint: sqs.endpoint });
      port.once('message', () => void sqs.stop().then(() => port.postMessage('stopped')));
    },
    (error: unknown) => port.postMessage({ error: error instanceof Error ? error.message : String(error) }),
  );
}
