/**
 * A minimal Secrets Manager on 127.0.0.1 (GetSecretValue and PutSecretValue over AWS JSON 1.1) for
 * local mode and tests, so the handler reads its webhook secret exactly as in AWS, through
 * AWS_ENDPOINT_URL_SECRETS_MANAGER. Nothing here is stored anywhere but in memory.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { foreignRequest, refuse } from './local-only';

export interface EmbeddedSecrets {
  readonly endpoint: string;
  /** Replaces a secret's value, as `aws secretsmanager put-secret-value` would. */
  put(secretId: string, secretString: string): void;
  /** How many GetSecretValue calls it answered. */
  reads(): number;
  stop(): Promise<void>;
}

export async function startEmbeddedSecrets(initial: Record<string, string>, port = 0): Promise<EmbeddedSecrets> {
  const secrets = new Map(Object.entries(initial));
  let reads = 0;
  let endpointHost = ''; // known once listening; nothing is served before
  const server = createServer((req, res) => {
    const refusal = foreignRequest(req.headers, endpointHost);
    if (refusal !== undefined) return refuse(res, refusal);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const answer = (status: number, body: object) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(body));
      };
      let input: { SecretId?: string; SecretString?: string } = {};
      try {
        input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      } catch {
        return answer(400, { __type: 'InvalidRequestException', message: 'body is not JSON' });
      }
      const action = String(req.headers['x-amz-target'] ?? '').replace('secretsmanager.', '');
      const id = input.SecretId ?? '';
      if (action === 'PutSecretValue' && typeof input.SecretString === 'string') {
        secrets.set(id, input.SecretString);
        return answer(200, { ARN: arn(id), Name: id, VersionId: String(Date.now()) });
      }
      if (action !== 'GetSecretValue')
        return answer(400, { __type: 'InvalidRequestException', message: `${action} is not supported here` });
      reads += 1;
      const value = secrets.get(id);
      if (value === undefined)
        return answer(400, { __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." });
      return answer(200, {
        ARN: arn(id),
        Name: id,
        SecretString: value,
        VersionId: 'local',
        VersionStages: ['AWSCURRENT'],
        CreatedDate: Date.now() / 1000,
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: bound } = server.address() as AddressInfo;
  endpointHost = `127.0.0.1:${bound}`;
  return {
    endpoint: `http://${endpointHost}`,
    put: (secretId, secretString) => void secrets.set(secretId, secretString),
    reads: () => reads,
    stop: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

const arn = (id: string) => `arn:aws:secretsmanager:us-east-1:000000000000:secret:${id}`;
