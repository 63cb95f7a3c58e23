/**
 * An SQS endpoint on 127.0.0.1 that answers SendMessage at once (with the body's MD5, which the SDK
 * checks), and a Secrets Manager endpoint on another port that answers GetSecretValue with the
 * webhook secret, and an S3 endpoint that answers every PUT (the archive's write) at once: what is
 * left is the caller's own cost. A port each, as in AWS a host each: a client cannot reuse one
 * service's connection for another.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const BENCH_SECRET = 'bench-webhook-secret-0123456789';

export interface FakeAws {
  readonly sqsEndpoint: string;
  readonly secretsEndpoint: string;
  readonly s3Endpoint: string;
  close(): void;
}

export async function startFakeAws(): Promise<FakeAws> {
  const [sqs, secrets, s3] = await Promise.all([listen(), listen(), listen()]);
  return {
    sqsEndpoint: sqs.endpoint,
    secretsEndpoint: secrets.endpoint,
    s3Endpoint: s3.endpoint,
    close: () => {
      for (const { server } of [sqs, secrets, s3]) {
        server.closeAllConnections();
        server.close();
      }
    },
  };
}

async function listen(): Promise<{ endpoint: string; server: Server }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'PUT') {
        res.writeHead(200, { etag: `"${randomUUID()}"` }).end();
        return;
      }
      const target = String(req.headers['x-amz-target'] ?? '');
      const input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { MessageBody?: string };
      const answer = target.startsWith('secretsmanager.')
        ? { SecretString: JSON.stringify({ current: BENCH_SECRET }), Name: 'bench' }
        : {
            MessageId: randomUUID(),
            MD5OfMessageBody: createHash('md5')
              .update(input.MessageBody ?? '', 'utf8')
              .digest('hex'),
          };
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify(answer));
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

if (require.main === module) {
  void startFakeAws().then(({ sqsEndpoint, secretsEndpoint }) =>
    console.log(`SQS endpoint: ${sqsEndpoint}\nSecrets Manager endpoint: ${secretsEndpoint}`),
  );
}
