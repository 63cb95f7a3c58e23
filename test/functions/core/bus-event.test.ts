/** The bus entry of an accepted alert: the alert itself up to EventBridge's limit, its pointer past it, and the settings. */
import { busEntryOf } from '../../../functions/core/bus-event';
import { planDelivery } from '../../../functions/core/delivery';
import { readBusSettings, readForwardingSettings } from '../../../functions/core/receiver-config';
import { type Decision, decidePayload } from '../../../functions/core/webhook-core';
import { deliverDecision } from '../../../functions/runtime/deliver';
import { baseAlert, padTo } from '../../corpus/panther-payloads';

const accepted = (body: Buffer) => {
  const decision = decidePayload({ body: body.toString('utf8') }, 'reject');
  if (decision.action !== 'enqueue') throw new Error(`not accepted: ${JSON.stringify(decision)}`);
  return decision;
};

describe('busEntryOf', () => {
  const decision = accepted(Buffer.from(JSON.stringify(baseAlert({ severity: 'HIGH' }))));
  // source (23) + detail-type (13) + the dedupKey resource (33 + 64): what EventBridge adds to the detail's bytes.
  const overhead = 'panther.alert-forwarder'.length + 'Panther Alert'.length + 'panther-alert-forwarder:dedupKey:'.length + 64;
  const bodyBytes = Buffer.byteLength(decision.messageBody);

  it('puts the alert itself when the entry is exactly at the limit, its pointer one byte past it', () => {
    const at = busEntryOf(decision, 'bus', 's3://b/k', bodyBytes + overhead);
    expect(at.truncated).toBe(false);
    expect(at.entry.Detail).toBe(decision.messageBody);
    const past = busEntryOf(decision, 'bus', 's3://b/k', bodyBytes + overhead - 1);
    expect(past.truncated).toBe(true);
    expect(JSON.parse(past.entry.Detail)).toEqual({
      truncated: true,
      severity: 'HIGH',
      type: decision.alert.type,
      id: decision.alert.id,
      alertId: decision.alert.alertId,
      dedupKey: decision.attributes.dedupKey,
      archiveUri: 's3://b/k',
    });
    expect(past.entry.Resources).toEqual(at.entry.Resources);
  });

  it('leaves the archive out of a pointer when there is none', () => {
    expect(JSON.parse(busEntryOf(decision, 'bus', undefined, 10).entry.Detail)).not.toHaveProperty('archiveUri');
  });
});

describe('the plan and the delivered record', () => {
  const env = { QUEUE_URL: 'http://127.0.0.1:1/q', ARCHIVE_BUCKET: 'archive-bucket', EVENT_BUS_NAME: 'alerts-bus' };

  it('adds the bus last, with the archive object’s URI for a pointer; no bus target without EVENT_BUS_NAME', () => {
    const decision = accepted(padTo(1_000_000));
    const plan = planDelivery(readForwardingSettings(env, false), decision, Date.now());
    const archive = plan.targets.find((target) => target.kind === 'archive')!;
    const bus = plan.targets.at(-1)!;
    expect(bus).toMatchObject({ kind: 'bus', truncated: true, entry: { EventBusName: 'alerts-bus' } });
    expect(JSON.parse((bus as Extract<typeof bus, { kind: 'bus' }>).entry.Detail).archiveUri).toBe(
      `s3://archive-bucket/${(archive as Extract<typeof archive, { kind: 'archive' }>).object.key}`,
    );
    const { EVENT_BUS_NAME: _, ...withoutBus } = env;
    expect(planDelivery(readForwardingSettings(withoutBus, false), decision, Date.now()).targets.map((t) => t.kind)).toEqual([
      'queue',
      'archive',
    ]);
  });

  it('says pointer in the receipt and the log line’s fields', async () => {
    const decision: Exclude<Decision, { action: 'reply' }> = accepted(padTo(1_000_000));
    const delivered = await deliverDecision(
      readForwardingSettings(env, false),
      decision,
      async () => ({ ok: true, messageId: 'm-1' }),
      new AbortController().signal,
    );
    expect(delivered.reply.body).toMatchObject({ status: 'queued', busEvent: 'pointer' });
    expect(delivered.fields).toMatchObject({ outcome: 'queued', busEvent: 'pointer' });
  });
});

describe('readBusSettings', () => {
  it.each([
    'alerts',
    'arn:aws:events:eu-west-1:111111111111:event-bus/alerts',
    'arn:aws-us-gov:events:us-gov-west-1:111111111111:event-bus/a.b-c_d',
  ])('takes %s', (name) => expect(readBusSettings({ EVENT_BUS_NAME: name })).toEqual({ eventBusName: name }));
  it.each(['', 'has space', 'arn:aws:events:eu-west-1:1111:event-bus/alerts', 'arn:aws:sqs:eu-west-1:111111111111:alerts'])(
    'refuses %j, naming the variable',
    (name) => expect(() => readBusSettings({ EVENT_BUS_NAME: name })).toThrow(/EVENT_BUS_NAME must be an event bus name or ARN/),
  );
  it('is undefined when unset', () => expect(readBusSettings({})).toBeUndefined());
});
