import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { buildForwarderApp } from '../../lib/forwarder-app';

describe('the CDK app, with cdk-nag on as `cdk synth` runs it', () => {
  it('synthesizes with zero unacknowledged AwsSolutions findings', () => {
    const app = new App();
    buildForwarderApp(app);
    expect(() => app.synth()).not.toThrow();
  });

  it('fails the synth on a finding nobody acknowledged (the check is live)', () => {
    const app = new App();
    const stack = buildForwarderApp(app);
    new sqs.Queue(stack, 'Unacknowledged', { enforceSSL: false });
    expect(() => app.synth()).toThrow();
  });

  it('reads its options from context', () => {
    const app = new App({
      context: {
        allowedSourceIps: '203.0.113.7, 198.51.100.0/24',
        invalidPayloads: 'reject',
        noAlertHours: '6',
        alarmTopicArn: 'arn:aws:sns:eu-west-1:111111111111:alerts',
      },
    });
    const template = Template.fromStack(buildForwarderApp(app));
    const api = Object.values(template.findResources('AWS::ApiGateway::RestApi'))[0]!;
    expect(JSON.stringify(api.Properties.Policy)).toContain('198.51.100.0/24');
    expect(JSON.stringify(template.findResources('AWS::Lambda::Function'))).toContain('"INVALID_PAYLOADS":"reject"');
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { EvaluationPeriods: 6, ComparisonOperator: 'LessThanThreshold' });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmActions: ['arn:aws:sns:eu-west-1:111111111111:alerts'] });
  });

  it('refuses an unknown invalidPayloads mode', () => {
    expect(() => buildForwarderApp(new App({ context: { invalidPayloads: 'drop' } }))).toThrow(/invalidPayloads/);
  });
});
