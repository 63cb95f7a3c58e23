/** The local API Gateway stand-in itself: it survives clients that go away mid-request. */
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createWebhookServer } from '../../local/webhook-server';

describe('createWebhookServer', () => {
  it('keeps serving after a client disconnects in the middle of its body', async () => {
    // The adapter is under test here, so the handler is a stand-in that echoes the decoded body.
    const server = createWebhookServer({
      handler: async (event) => ({ statusCode: 200, body: Buffer.from(event.body ?? '', 'base64').toString() }),
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      await new Promise<void>((resolve) => {
        const socket = connect(port, '127.0.0.1', () => {
          socket.write('POST /alerts HTTP/1.1\r\nHost: local\r\nContent-Length: 100000\r\n\r\n{"id":');
          setTimeout(() => {
            socket.destroy();
            resolve();
          }, 100);
        });
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
      const answer = await fetch(`http://127.0.0.1:${port}/alerts`, { method: 'POST', body: '{"after":1}' });
      expect(answer.status).toBe(200);
      expect(await answer.text()).toBe('{"after":1}');
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
