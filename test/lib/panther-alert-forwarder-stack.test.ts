import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { PantherAlertForwarderStack } from '../../lib/panther-alert-forwarder-stack';

const app = new App();
const stack = new PantherAlertForwarderStack(app, 'PantherAlertForwarder', {
  env: { account: '111111111111', region: 'eu-west-1' },
});
const template = Template.fromStack(stack);
const logicalId = (type: string, fragment: string) => Object.keys(template.findResources(type)).find((id) => id.includes(fragment))!;

describe('PantherAlertForwarderStack outputs', () => {
  it('gives the webhook URL to paste into Panther: the stage URL plus /alerts', () => {
    const output = template.findOutputs('WebhookUrl').WebhookUrl!;
    expect(output.Description).toMatch(/Custom Webhook URL/);
    const joined = JSON.stringify(output.Value);
    expect(joined).toContain(logicalId('AWS::ApiGateway::RestApi', 'Api'));
    expect(joined).toContain('execute-api');
    expect(joined).toMatch(/\/alerts"/);
  });

  it.each([
    ['AlertQueueUrl', { Ref: 'AlertQueue' }],
    ['AlertQueueArn', { 'Fn::GetAtt': ['AlertQueue', 'Arn'] }],
    ['DeadLetterQueueUrl', { Ref: 'DeadLetterQueue' }],
    ['DeadLetterQueueArn', { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] }],
  ])('gives %s', (name, shape) => {
    const value = template.findOutputs(name)[name]!.Value as Record<string, unknown>;
    const id = logicalId('AWS::SQS::Queue', 'Ref' in shape ? shape.Ref : (shape['Fn::GetAtt'] as string[])[0]!);
    expect(value).toEqual('Ref' in shape ? { Ref: id } : { 'Fn::GetAtt': [id, 'Arn'] });
  });
});

describe('PantherAlertForwarderStack hardening outputs', () => {
  it('gives the quarantine queue URL and the command that prints the header for Panther, never the secret', () => {
    expect(template.findOutputs('QuarantineQueueUrl').QuarantineQueueUrl!.Value).toEqual({
      Ref: logicalId('AWS::SQS::Queue', 'QuarantineQueue'),
    });
    const command = JSON.stringify(template.findOutputs('WebhookHeaderCommand').WebhookHeaderCommand!.Value);
    expect(command).toContain('aws secretsmanager get-secret-value');
    expect(command).toContain(logicalId('AWS::SecretsManager::Secret', 'WebhookSecret'));
    expect(command).toContain("console.log('X-Panther-Webhook-Secret: '+JSON.parse(require('fs').readFileSync(0,'utf8')).current)");
  });
});

describe('PantherAlertForwarderStack route outputs', () => {
  it('gives each route its queue URL and ARN', () => {
    const routed = Template.fromStack(
      new PantherAlertForwarderStack(new App(), 'Routed', { forwarder: { routes: [{ name: 'on-call', severities: ['CRITICAL'] }] } }),
    );
    const queueId = Object.keys(routed.findResources('AWS::SQS::Queue')).find((id) => id.includes('RouteOnCallQueue'))!;
    expect(routed.findOutputs('RouteOnCallQueueUrl').RouteOnCallQueueUrl!.Value).toEqual({ Ref: queueId });
    expect(routed.findOutputs('RouteOnCallQueueArn').RouteOnCallQueueArn!.Value).toEqual({ 'Fn::GetAtt': [queueId, 'Arn'] });
  });
});

describe('console links', () => {
  it("point at the console of the stack's partition: a mapping on AWS::Partition", () => {
    expect(template.toJSON().Mappings.ConsoleHost).toEqual({
      aws: { host: 'console.aws.amazon.com' },
      'aws-cn': { host: 'console.amazonaws.cn' },
      'aws-us-gov': { host: 'console.amazonaws-us-gov.com' },
    });
    const url = JSON.stringify(template.findOutputs('DashboardUrl').DashboardUrl!.Value);
    expect(url).toContain(JSON.stringify({ 'Fn::FindInMap': ['ConsoleHost', { Ref: 'AWS::Partition' }, 'host'] }));
    expect(url).toContain('/cloudwatch/home?region=eu-west-1#dashboards:name=');
    expect(url).not.toContain('console.aws.amazon.com/');
  });
});
