import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isPantherAlert, pantherAlertSchema, PantherAlertForwarder, type PantherAlert } from '../../lib';
import { baseAlert } from '../../scripts/sample-alerts';

describe('the package entry point', () => {
  it('exports the schema file the receiver validates with, and a validator that narrows to PantherAlert', () => {
    const schemaFile = JSON.parse(readFileSync(join(__dirname, '..', '..', 'functions', 'core', 'panther-alert.schema.json'), 'utf8'));
    expect(pantherAlertSchema).toEqual(schemaFile);
    const candidate: unknown = baseAlert();
    expect(isPantherAlert(candidate)).toBe(true);
    if (isPantherAlert(candidate)) {
      const alert: PantherAlert = candidate;
      expect(alert.severity).toBe('HIGH');
    }
    expect(isPantherAlert({ id: 'x' })).toBe(false);
    expect(typeof PantherAlertForwarder).toBe('function');
  });
});

it('still exports every construct it did, the archive pipeline aside (the doors write the archive now)', async () => {
  const entry = await import('../../lib');
  for (const name of [
    'AlertArchive',
    'AlertQueues',
    'ExampleConsumer',
    'ForwarderMonitoring',
    'PantherAlertForwarder',
    'PantherAlertForwarderStack',
    'PantherInbox',
    'WebhookReceiver',
    'isAwsDateTime',
  ]) {
    expect([name, typeof (entry as Record<string, unknown>)[name]]).toEqual([name, 'function']);
  }
  expect('ArchivePipeline' in entry).toBe(false);
});
