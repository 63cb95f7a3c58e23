/**
 * The bus target as deployed: nothing of it without `eventBus`/`eventBusArn`; with it, the bus, its
 * resource policy, the schema registry entries, the alarm, and grants limited to PutEvents on that
 * bus. The published schema is checked against the corpus; the three rules of docs/subscribe.md
 * synthesize in a consumer's app.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import Ajv from 'ajv';
import { buildForwarderApp } from '../../lib/forwarder-app';
import { PantherAlertForwarder } from '../../lib/panther-alert-forwarder';
import { busEventSchemas } from '../../lib/alert-bus-schema';
import { INVALID_CASES, pantherExamples, VALID_CASES } from '../corpus/panther-payloads';
import { subscribe } from './fixtures/subscriber-rules';

const CONSUMER = '222222222222';
const STRANGER = '333333333333';
const PANTHER = '444444444444';

function synth(context: Record<string, string>) {
  // archive=false: this branch ships no archive-processor bundle while lib/ still builds one (the lead's move of the write into the functions).
  const app = new App({ context: { pantherAccountId: PANTHER, archive: 'false', ...context } });
  const stack = buildForwarderApp(app);
  // cdk-nag runs in the app's synth: a finding nobody acknowledged throws here.
  app.synth();
  return { stack, template: Template.fromStack(stack) };
}

const BUS_TYPES = ['AWS::Events::EventBus', 'AWS::Events::EventBusPolicy', 'AWS::EventSchemas::Registry', 'AWS::EventSchemas::Schema'];

describe('without eventBus', () => {
  it('has no bus resources, no bus variable and no PutEvents grant', () => {
    const { template } = synth({});
    for (const type of BUS_TYPES) expect(template.findResources(type)).toEqual({});
    const text = JSON.stringify(template.toJSON());
    expect(text).not.toContain('EVENT_BUS_NAME');
    expect(text).not.toContain('events:PutEvents');
    expect(text).not.toContain('BusPutFailures');
  });
});

describe('with eventBus=true', () => {
  const { stack, template } = synth({ eventBus: 'true', consumerAccountIds: CONSUMER });
  const busId = stack.getLogicalId(stack.forwarder.bus!.eventBus.node.defaultChild as never);
  const busArn = { 'Fn::GetAtt': [busId, 'Arn'] };

  it('creates the bus and names it to the receiver and the inbox processor, which may only PutEvents on it', () => {
    template.resourceCountIs('AWS::Events::EventBus', 1);
    const functions = Object.values(template.findResources('AWS::Lambda::Function')).filter(
      (fn) => fn.Properties.Environment?.Variables?.QUEUE_URL !== undefined,
    );
    expect(functions).toHaveLength(2);
    for (const fn of functions) expect(fn.Properties.Environment.Variables.EVENT_BUS_NAME).toEqual(busArn);
    const putStatements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((policy) =>
      (policy.Properties.PolicyDocument.Statement as { Action: unknown; Resource: unknown }[]).filter((s) =>
        JSON.stringify(s.Action).includes('events:'),
      ),
    );
    expect(putStatements).toHaveLength(2);
    for (const statement of putStatements) expect(statement).toMatchObject({ Action: 'events:PutEvents', Resource: busArn });
  });

  it('lets only the listed consumer accounts manage rules, only their own, and nothing else', () => {
    template.resourceCountIs('AWS::Events::EventBusPolicy', 0);
    const [bus] = Object.values(template.findResources('AWS::Events::EventBus'));
    const statements = bus!.Properties.Policy.Statement as Array<Record<string, unknown>>;
    expect(statements).toHaveLength(1);
    const statement = statements[0]!;
    expect(JSON.stringify(statement.Principal)).toContain(CONSUMER);
    expect(JSON.stringify(statements)).not.toContain(STRANGER);
    expect(statement.Condition).toEqual({ StringEqualsIfExists: { 'events:creatorAccount': CONSUMER } });
    expect(statement.Action).not.toContain('events:PutEvents');
    for (const action of statement.Action as string[]) expect(action).toMatch(/Rule|Targets|Tag/i);
    // Rules on this bus only: its name, which the policy cannot Ref (the bus would refer to itself).
    expect(JSON.stringify(statement.Resource)).toContain(`:rule/${bus!.Properties.Name}/*`);
  });

  it('publishes the alert and pointer events’ schemas as JSONSchemaDraft4 in a registry of its own', () => {
    template.resourceCountIs('AWS::EventSchemas::Registry', 1);
    const schemas = Object.values(template.findResources('AWS::EventSchemas::Schema')).map((s) => s.Properties);
    expect(schemas.map((s) => s.SchemaName).sort()).toEqual([
      'panther.alert-forwarder@PantherAlert',
      'panther.alert-forwarder@PantherAlertPointer',
    ]);
    for (const schema of schemas) {
      expect(schema.Type).toBe('JSONSchemaDraft4');
      expect(JSON.parse(schema.Content).$schema).toBe('http://json-schema.org/draft-04/schema#');
    }
  });

  it('alarms on failed puts, counted from both functions’ log lines, and shows them on the dashboard', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'BusPutFailures',
      Dimensions: [{ Name: 'Forwarder', Value: stack.forwarder.metricsScope }],
      Threshold: 1,
    });
    const filters = Object.values(template.findResources('AWS::Logs::MetricFilter')).map((f) => f.Properties);
    expect(filters).toHaveLength(2);
    for (const filter of filters) {
      expect(filter.FilterPattern).toBe('{ $.error = "bus: *" }');
      expect(filter.MetricTransformations[0]).toMatchObject({
        MetricName: 'BusPutFailures',
        Dimensions: [{ Key: 'Forwarder', Value: '$.Forwarder' }],
      });
    }
    expect(JSON.stringify(template.findResources('AWS::CloudWatch::Dashboard'))).toContain('Event bus: failed puts');
  });
});

describe('the construct', () => {
  it('takes the bus’s own props (the escape hatch), and without consumer accounts gives the bus no policy', () => {
    const stack = new Stack(new App(), 'Lib');
    const forwarder = new PantherAlertForwarder(stack, 'Forwarder', {
      archive: false,
      eventBus: true,
      eventBusProps: { eventBusName: 'panther-alerts', description: 'ours' },
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Events::EventBus', { Name: 'panther-alerts', Description: 'ours' });
    expect(Object.values(template.findResources('AWS::Events::EventBus')).map((bus) => bus.Properties.Policy)).toEqual([undefined]);
    template.resourceCountIs('AWS::Events::EventBusPolicy', 0);
    expect(forwarder.bus?.eventBus.eventBusName).toBeDefined();
  });

  it('refuses eventBusProps without eventBus', () => {
    const stack = new Stack(new App(), 'Lib');
    expect(() => new PantherAlertForwarder(stack, 'Forwarder', { archive: false, eventBusProps: {} })).toThrow(
      /^PantherAlertForwarder: eventBusProps needs eventBus: true \(they shape the bus the stack creates\)$/,
    );
  });
});

describe('with eventBusArn', () => {
  const arn = 'arn:aws:events:eu-west-1:555555555555:event-bus/shared-alerts';

  it('creates no bus and no policy, and grants PutEvents on that bus only', () => {
    const { template } = synth({ eventBusArn: arn });
    template.resourceCountIs('AWS::Events::EventBus', 0);
    template.resourceCountIs('AWS::Events::EventBusPolicy', 0);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([{ Action: 'events:PutEvents', Effect: 'Allow', Resource: arn }]) },
    });
  });

  it.each([
    [{ eventBusArn: 'shared-alerts' }, /^cdk context: eventBusArn must be an event bus ARN, got "shared-alerts"$/],
    [{ eventBusArn: arn, eventBus: 'true' }, /^cdk context: eventBus true or eventBusArn: give one, not both$/],
  ])('refuses %j', (context, message) => {
    expect(() => buildForwarderApp(new App({ context: { archive: 'false', ...context } }))).toThrow(message);
  });

  it('lists a bus problem in the one error with every other problem of the context', () => {
    expect(() => buildForwarderApp(new App({ context: { eventBusArn: 'shared-alerts', fifo: 'yes' } }))).toThrow(
      /^cdk context: 2 problems:\n- fifo must be true or false, got "yes"\n- eventBusArn must be an event bus ARN, got "shared-alerts"$/,
    );
  });
});

describe('the published schema', () => {
  const { alert } = busEventSchemas();
  const detail = (alert.properties as Record<string, object>).detail!;
  // Ajv 8 has no draft-4 meta-schema; the converted keywords mean the same in draft 7, which it checks with.
  const validate = new Ajv({ strict: false, validateFormats: false }).compile(detail);

  it('accepts every alert of the corpus', () => {
    for (const { body, name } of [...pantherExamples(), ...VALID_CASES]) {
      expect([name, validate(JSON.parse(body.toString('utf8')))]).toEqual([name, true]);
    }
  });

  it('refuses the corpus’s JSON that is not an alert, but for a createdAt only the format catches', () => {
    for (const { body, name } of INVALID_CASES) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch {
        continue;
      }
      if (/createdAt/i.test(name)) continue;
      expect([name, validate(parsed)]).toEqual([name, false]);
    }
  });

  it('keeps nothing draft 4 does not know', () => {
    const text = JSON.stringify(busEventSchemas());
    for (const keyword of ['tsType', '$id', 'aws-date-time', 'draft-07']) expect(text).not.toContain(keyword);
  });
});

describe('the rules of docs/subscribe.md', () => {
  it('are the fixture’s code, verbatim', () => {
    const fixture = readFileSync(join(__dirname, 'fixtures', 'subscriber-rules.ts'), 'utf8');
    const code = fixture.slice(fixture.indexOf('// docs:begin\n') + '// docs:begin\n'.length, fixture.indexOf('// docs:end'));
    expect(readFileSync(join(__dirname, '..', '..', 'docs', 'subscribe.md'), 'utf8')).toContain(code);
  });

  it('synthesize in a consumer’s app, each on the forwarder’s bus by its ARN', () => {
    const app = new App();
    const stack = new Stack(app, 'Consumer', { env: { account: CONSUMER, region: 'eu-west-1' } });
    const busArn = 'arn:aws:events:eu-west-1:111111111111:event-bus/PantherAlertForwarderEventBus';
    subscribe(stack, busArn);
    const template = Template.fromStack(stack);
    const rules = Object.values(template.findResources('AWS::Events::Rule')).map((rule) => rule.Properties);
    expect(rules).toHaveLength(3);
    for (const rule of rules) {
      expect(rule.EventBusName).toBe(busArn);
      expect(rule.EventPattern).toMatchObject({ source: ['panther.alert-forwarder'], 'detail-type': ['Panther Alert'] });
    }
    template.resourceCountIs('AWS::Events::Connection', 1);
    template.resourceCountIs('AWS::Events::ApiDestination', 1);
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
  });
});
