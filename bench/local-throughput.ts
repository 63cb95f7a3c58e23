/**
 * Local mode's throughput vs sending straight to the same fauxqs, over loopback, with where the CPU
 * goes per alert: the sending side (autocannon, or the direct SDK senders), the local server's main
 * thread (HTTP server, receiver, SDK), its fauxqs worker, and the rest.
 */
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import autocannon from 'autocannon';
import { localSqsClient } from '../functions/runtime/local-aws';
import { startLocalServer } from './local-server';
import { splitThreadCpu, threadCpuMs } from './thread-cpu';

/** Each path warmed up, then measured in alternating rounds. */
const THROUGHPUT = { warmUpSeconds: 3, seconds: 5, rounds: 3 };
const THROUGHPUT_CONNECTIONS = 32;

/** CPU per alert (µs) of each party in one phase: the sending side (this process) and the local server's threads. */
export interface PhaseCpu {
  readonly sender: number;
  readonly serverMain?: number;
  /** The busiest other thread of the server: the fauxqs worker. */
  readonly sqsWorker?: number;
  /** The server's remaining threads: V8's compiler and GC helpers, libuv. */
  readonly serverRest?: number;
}

interface Phase {
  readonly perSecond: number;
  readonly cpuPerAlertUs: PhaseCpu;
}

/** Runs one load phase and accounts for the CPU it took, per alert. */
async function measurePhase(pid: number, run: () => Promise<number>): Promise<Phase> {
  const server0 = threadCpuMs(pid);
  const self0 = process.cpuUsage();
  const started = performance.now();
  const alerts = await run();
  const seconds = (performance.now() - started) / 1000;
  const self = process.cpuUsage(self0);
  const server1 = threadCpuMs(pid);
  const us = (ms: number) => Math.round((ms * 1000) / alerts);
  let server: Omit<PhaseCpu, 'sender'> = {};
  if (server0 && server1) {
    const { main, busiest, rest } = splitThreadCpu(pid, server0, server1);
    server = { serverMain: us(main), sqsWorker: us(busiest), serverRest: us(rest) };
  }
  return { perSecond: alerts / seconds, cpuPerAlertUs: { sender: Math.round((self.user + self.system) / alerts), ...server } };
}

export interface LocalThroughput {
  /** Alerts per second through npm start's server, per measured round. */
  readonly webhook: readonly number[];
  /** SendMessage per second straight to the same fauxqs, per measured round. */
  readonly direct: readonly number[];
  /** From the last round, both paths warm. */
  readonly cpuPerAlertUs: { readonly webhook: PhaseCpu; readonly direct: PhaseCpu };
}

/**
 * Starts npm start's server and sends it this body through the webhook and straight to its fauxqs.
 * Both paths are warmed up first (the first seconds of a fresh server are mostly V8 compiling it),
 * then measured in alternating rounds.
 */
export async function localThroughput(body: string): Promise<LocalThroughput> {
  console.error(
    `Local end to end: ${THROUGHPUT.rounds} alternating rounds of ${THROUGHPUT.seconds} s through npm start's server and direct…`,
  );
  const server = await startLocalServer();
  try {
    const throughWebhook = (seconds: number) =>
      measurePhase(server.child.pid!, async () => {
        const result = await autocannon({
          url: server.webhookUrl,
          method: 'POST',
          headers: { 'content-type': 'application/json', ...server.authHeader },
          body,
          connections: THROUGHPUT_CONNECTIONS,
          duration: seconds,
        });
        return result['2xx'];
      });
    const sqs = localSqsClient(server.sqsEndpoint);
    const sendDirect = (seconds: number) =>
      measurePhase(server.child.pid!, async () => {
        const deadline = Date.now() + seconds * 1000;
        let sent = 0;
        await Promise.all(
          Array.from({ length: THROUGHPUT_CONNECTIONS }, async () => {
            while (Date.now() < deadline) {
              await sqs.send(new SendMessageCommand({ QueueUrl: server.queueUrl, MessageBody: body }));
              sent += 1;
            }
          }),
        );
        return sent;
      });

    await throughWebhook(THROUGHPUT.warmUpSeconds);
    await sendDirect(THROUGHPUT.warmUpSeconds);
    const rounds: Array<{ webhook: Phase; direct: Phase }> = [];
    for (let round = 0; round < THROUGHPUT.rounds; round += 1) {
      rounds.push({ webhook: await throughWebhook(THROUGHPUT.seconds), direct: await sendDirect(THROUGHPUT.seconds) });
    }
    const last = rounds.at(-1)!;
    return {
      webhook: rounds.map((r) => r.webhook.perSecond),
      direct: rounds.map((r) => r.direct.perSecond),
      cpuPerAlertUs: { webhook: last.webhook.cpuPerAlertUs, direct: last.direct.cpuPerAlertUs },
    };
  } finally {
    await server.stop();
  }
}
