import { Duration } from 'aws-cdk-lib';
import { isIpOrCidr } from '../../lib/formats';
import { checkForwarderProps } from '../../lib/forwarder-checks';
import { FORWARDER_DEFAULTS, type PantherAlertForwarderProps } from '../../lib/forwarder-props';

describe('isIpOrCidr', () => {
  it.each(['203.0.113.7', '198.51.100.0/24', '0.0.0.0/0', '2001:db8::1', '2001:db8::/32', '::/0', '10.0.0.0/32', '::1/128'])(
    'takes %s',
    (value) => expect(isIpOrCidr(value)).toBe(true),
  );
  it.each(['300.1.1.1', '10.0.0.0/33', '::1/129', '1.2.3.4/', '1.2.3.4/x', '1.2.3.4/24/1', 'example.com', '', '10.0.0.0 /24'])(
    'refuses %j',
    (value) => expect(isIpOrCidr(value)).toBe(false),
  );
});

describe('checkForwarderProps', () => {
  it('takes accounts, role ARNs (paths, other partitions) and addresses that AWS takes', () => {
    const config = checkForwarderProps({
      consumerAccountIds: ['123456789012'],
      consumerRoleArns: ['arn:aws:iam::123456789012:role/consumers/alerts', 'arn:aws-us-gov:iam::123456789012:role/reader'],
      allowedSourceIps: ['203.0.113.7', '2001:db8::/32'],
    });
    expect(config.consumerRoleArns).toHaveLength(2);
  });

  it.each([
    [{ consumerAccountIds: ['123456789012', '1234567890123'] }, /consumerAccountIds must be 12-digit AWS account ids, got "1234567890123"/],
    [
      { consumerRoleArns: ['arn:aws:iam::123456789012:user/bob'] },
      /consumerRoleArns must be IAM role ARNs .*"arn:aws:iam::123456789012:user\/bob"/,
    ],
    [{ consumerRoleArns: ['arn:aws:iam::123456789012:role/*'] }, /consumerRoleArns must be IAM role ARNs/],
    [{ allowedSourceIps: ['198.51.100.0/40'] }, /allowedSourceIps must be IPv4\/IPv6 addresses or CIDR blocks, got "198.51.100.0\/40"/],
    [{ maxSecretStaleness: Duration.days(8) }, /maxSecretStaleness must be a whole number of seconds from 0 to 604800, got 691200/],
  ])('refuses %j at synth, naming the prop and the value', (props, message) => {
    expect(() => checkForwarderProps(props)).toThrow(message);
  });

  it('hands the receiver the secret bound in seconds', () => {
    expect(checkForwarderProps({}).maxSecretStaleness.toHours()).toBe(24);
    expect(checkForwarderProps({ maxSecretStaleness: Duration.hours(2) }).maxSecretStaleness.toSeconds()).toBe(7_200);
  });
});

describe('every problem names a prop that exists', () => {
  /** The props without a default (FORWARDER_DEFAULTS has the others). */
  const WITHOUT_DEFAULT = [
    'encryptionKey',
    'reservedConcurrency',
    'existingQueue',
    'existingDeadLetterQueue',
    'queueProps',
    'functionProps',
    'inboxFunctionProps',
    'consumerFunctionProps',
    'restApiProps',
    'domainName',
    'certificateArn',
    'webAclArn',
  ];
  const known = [...Object.keys(FORWARDER_DEFAULTS), ...WITHOUT_DEFAULT];
  const BAD: PantherAlertForwarderProps[] = [
    { throttlingRateLimit: 0, throttlingBurstLimit: 0, maxReceiveCount: 0, memorySize: 1, reservedConcurrency: 0 },
    { stageName: 'a b', authHeaderName: 'a b', invalidPayloads: 'drop' as never, routes: [{ name: 'a b' }] },
    { webhook: false, allowedSourceIps: ['1.2.3.4'], functionProps: {} },
    { pantherAccountIds: ['1'], inboxMaxConcurrency: 1, inboxFunctionProps: { timeout: Duration.seconds(0) } },
    { inboxFunctionProps: {}, consumerFunctionProps: {}, archive: false, archiveDays: 400, archiveScanCutoffBytes: 1 },
    { archiveDays: 1, archiveScanCutoffBytes: 1 },
    { domainName: 'x', webAclArn: 'y' },
    { certificateArn: 'z', restApiProps: { disableExecuteApiEndpoint: true } },
    { exampleConsumer: true, consumerFunctionProps: { timeout: Duration.seconds(1) }, queueProps: { fifo: true } },
  ];

  it.each(BAD.map((props) => [props]))('%j', (props) => {
    let message = '';
    try {
      checkForwarderProps(props);
    } catch (error) {
      message = (error as Error).message;
    }
    const problems = message.replace(/^PantherAlertForwarder: (\d+ problems:\n- )?/, '').split('\n- ');
    expect(problems.length).toBeGreaterThan(0);
    /** A word that looks like a prop but is not one: the attribute consumers de-duplicate on. */
    const NOT_PROPS = ['dedupKey'];
    const strangers = problems
      .map((problem) => problem.replace(/"[^"]*"/g, '').replace(/\b(\w+)(?:\.[\w[\]'/]+)+/g, '$1'))
      .flatMap((text) => [text.split(/[ :]/)[0]!, ...(text.match(/\b[a-z]+[A-Z]\w*\b/g) ?? [])])
      .filter((word) => !known.includes(word) && !NOT_PROPS.includes(word));
    expect(strangers).toEqual([]);
  });
});
