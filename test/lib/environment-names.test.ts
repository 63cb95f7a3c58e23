/**
 * Names once: every variable a construct sets on a function is one that function's reader reads
 * (functions/core/environment.ts: RECEIVER_ENV, INBOX_ENV), and every variable a reader requires is
 * set. The other half (readers read nothing outside those lists) is test/functions' to prove.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ENV, INBOX_ENV, RECEIVER_ENV } from '../../functions/core/environment';
import type { PantherAlertForwarderProps } from '../../lib';
import { PantherAlertForwarder } from '../../lib/panther-alert-forwarder';

/**
 * Variables a construct adds to a function deliberately without a reader of ours (AWS's or Node's
 * own, e.g. NODE_OPTIONS or AWS_NODEJS_CONNECTION_REUSE_ENABLED). None today: the bundles are plain
 * lambda.Function code, which adds nothing.
 */
const DELIBERATE_EXTRAS: readonly string[] = [];

/** Each function by its logical id: what its reader reads, and what it must have. */
const FUNCTIONS = [
  {
    id: /WebhookReceiver[0-9A-F]{8}$/,
    reads: RECEIVER_ENV,
    requires: [ENV.queueUrl, ENV.quarantineQueueUrl, ENV.authHeaderName, ENV.secretId],
  },
  { id: /InboxProcessor[0-9A-F]{8}$/, reads: INBOX_ENV, requires: [ENV.queueUrl, ENV.quarantineQueueUrl] },
  { id: /ExampleExampleConsumer[0-9A-F]{8}$/, reads: [], requires: [] },
] as const;

const CASES: [string, PantherAlertForwarderProps][] = [
  ['the defaults', {}],
  [
    'routes, an inbox and the example consumer',
    { routes: [{ name: 'paging', severities: ['HIGH'] }], pantherAccountIds: ['123456789012'], exampleConsumer: true },
  ],
  ['no archive', { archive: false, pantherAccountIds: ['123456789012'] }],
  ['the inbox only (webhook: false)', { webhook: false, pantherAccountIds: ['123456789012'] }],
];

describe.each(CASES)('with %s', (_name, props) => {
  const stack = new Stack(new App(), 'Test', { env: { account: '111111111111', region: 'eu-west-1' } });
  new PantherAlertForwarder(stack, 'Forwarder', props);
  const functions = Object.entries(Template.fromStack(stack).findResources('AWS::Lambda::Function'));

  it('creates only functions whose readers are known here', () => {
    expect(functions.length).toBeGreaterThan(0);
    for (const [id] of functions) expect(FUNCTIONS.filter((fn) => fn.id.test(id))).toHaveLength(1);
  });

  it.each(functions.map(([id, fn]) => [id, fn] as const))('%s: sets only what its reader reads, and all it requires', (id, fn) => {
    const spec = FUNCTIONS.find((candidate) => candidate.id.test(id))!;
    const names = Object.keys(fn.Properties.Environment?.Variables ?? {});
    const unread = names.filter((name) => !(spec.reads as readonly string[]).includes(name) && !DELIBERATE_EXTRAS.includes(name));
    expect(unread).toEqual([]);
    expect(names).toEqual(expect.arrayContaining([...spec.requires]));
  });
});

it('sets ARCHIVE_BUCKET and ARCHIVE_PREFIX on both doors with the archive, neither without', () => {
  const envOf = (props: PantherAlertForwarderProps) => {
    const stack = new Stack(new App(), 'Test');
    new PantherAlertForwarder(stack, 'Forwarder', { pantherAccountIds: ['123456789012'], ...props });
    return Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function')).map((fn) =>
      Object.keys(fn.Properties.Environment.Variables),
    );
  };
  for (const names of envOf({})) expect(names).toEqual(expect.arrayContaining([ENV.archiveBucket, ENV.archivePrefix]));
  for (const names of envOf({ archive: false })) expect(names).not.toEqual(expect.arrayContaining([ENV.archiveBucket]));
});
