/**
 * Local mode's bus (`npm start -- --bus`): both doors put each accepted alert on the recording
 * stand-in exactly as PutEvents would receive it, and `bus-events` shows them without consuming them.
 */
import { pantherTestAlert } from '../../cli/test-alert';
import { cli } from '../support/cli';
import { authHeaderOf, startLocalMode, stopAll } from '../support/processes';

afterAll(stopAll);

describe('npm start -- --bus', () => {
  it('records the alerts of both doors, and bus-events prints them, again and again', async () => {
    const local = await startLocalMode({ BUS_PORT: '0' }, ['--bus']);
    const eventsUrl = local.printed['Bus events']!;
    expect(eventsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/events$/);

    const header = Object.entries(authHeaderOf(local)).map(([name, value]) => `${name}: ${value}`);
    const webhook = await cli(['send-test-alert', '--url', local.printed['Webhook URL']!, '--header', header[0]!]);
    expect(webhook.code).toBe(0);
    const inbox = await cli(['send-test-alert', '--queue-url', local.printed['Inbox queue URL']!]);
    expect(inbox.code).toBe(0);

    // The inbox is drained in the background: wait (bounded) for its event.
    let listed = await cli(['bus-events', '--url', eventsUrl, '--json']);
    for (let tries = 0; tries < 40 && listed.stdout.trim().split('\n').length < 2; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      listed = await cli(['bus-events', '--url', eventsUrl, '--json']);
    }
    expect(listed.code).toBe(0);
    const events = listed.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { entry: Record<string, unknown> });
    expect(events).toHaveLength(2);
    const { createdAt: _, ...sent } = pantherTestAlert();
    for (const { entry } of events) {
      expect(entry).toMatchObject({ EventBusName: 'panther-alerts', Source: 'panther.alert-forwarder', DetailType: 'Panther Alert' });
      expect(JSON.parse(entry.Detail as string)).toMatchObject(sent);
    }

    const summary = await cli(['bus-events', '--url', eventsUrl]);
    expect(summary.stdout).toMatch(/panther\.alert-forwarder "Panther Alert" severity=INFO type=RULE id=Test\.Alert/);
    expect(summary.stdout).toMatch(/^2 event\(s\) on the bus$/m);
  }, 90_000);
});
