/**
 * The EventBridge bus target: the bus (the stack's own, or an existing one), the schemas consumers
 * bind code to, and what each forwarding function needs to put alerts on it: the bus in its
 * environment, `events:PutEvents` on that bus only, and a metric of its failed puts. Created only
 * when configured (alert-bus-props.ts), so a forwarder without a bus is unchanged.
 *
 * Cross-account: each of `consumerAccountIds` may create and manage rules on the stack's own bus,
 * only its own rules (`events:creatorAccount`), and nothing else (no PutEvents, no other account's rules).
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventschemas from 'aws-cdk-lib/aws-eventschemas';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { BUS_ERROR_PREFIX, BUS_EVENT_SOURCE, BUS_PUT_FAILURES_METRIC } from '../functions/core/bus-event';
import { ENV } from '../functions/core/environment';
import { METRICS_NAMESPACE, SCOPE_DIMENSION } from '../functions/core/metrics';
import { busEventSchemas } from './alert-bus-schema';
import type { AlertBusChoice } from './alert-bus-props';

export interface AlertBusProps {
  readonly choice: Exclude<AlertBusChoice, { kind: 'none' }>;
  /** Accounts that may create rules on the stack's own bus. */
  readonly consumerAccountIds: readonly string[];
  /** The forwarder's metrics scope (the Forwarder dimension of the failed-puts metric). */
  readonly metricsScope: string;
}

/** What a rule's management takes: everything on rules, nothing on events. */
const RULE_ACTIONS = [
  'events:PutRule',
  'events:DeleteRule',
  'events:DescribeRule',
  'events:EnableRule',
  'events:DisableRule',
  'events:PutTargets',
  'events:RemoveTargets',
  'events:ListTargetsByRule',
  'events:TagResource',
  'events:UntagResource',
  'events:ListTagsForResource',
];

/** The schema names in the registry: `<source>@<name>`, as EventBridge's own discovered schemas are named. */
export const BUS_SCHEMA_NAMES = { alert: `${BUS_EVENT_SOURCE}@PantherAlert`, pointer: `${BUS_EVENT_SOURCE}@PantherAlertPointer` } as const;

export class AlertBus extends Construct {
  /** The bus every accepted alert is put on. */
  public readonly eventBus: events.IEventBus;
  /** The registry holding the event schemas (code bindings: EventBridge console > Schemas). */
  public readonly registry: eventschemas.CfnRegistry;
  public readonly schemas: readonly eventschemas.CfnSchema[];
  private readonly metricsScope: string;

  constructor(scope: Construct, id: string, props: AlertBusProps) {
    super(scope, id);
    this.metricsScope = props.metricsScope;
    const { choice } = props;
    if (choice.kind === 'existing') {
      this.eventBus = events.EventBus.fromEventBusArn(this, 'Bus', choice.eventBusArn);
    } else {
      const bus = new events.EventBus(this, 'Bus', { description: 'Every alert the Panther alert forwarder accepts', ...choice.busProps });
      const stack = Stack.of(this);
      const resource = bus.node.defaultChild as events.CfnEventBus;
      const statements = props.consumerAccountIds.map(
        (account) =>
          new iam.PolicyStatement({
            sid: `ManageOwnRules${account}`,
            principals: [new iam.AccountPrincipal(account)],
            actions: RULE_ACTIONS,
            // The bus's name as synth knows it (its Ref would make the bus's policy refer to the bus itself).
            resources: [stack.formatArn({ service: 'events', resource: 'rule', resourceName: `${resource.name}/*` })],
            conditions: { StringEqualsIfExists: { 'events:creatorAccount': account } },
          }),
      );
      // The bus's own Policy, one document: addToResourcePolicy makes an AWS::Events::EventBusPolicy per
      // statement, whose deprecated `principal` cdk-nag reads on every synth (a warning a user cannot act on).
      if (statements.length > 0) resource.policy = new iam.PolicyDocument({ statements });
      this.eventBus = bus;
    }
    this.registry = new eventschemas.CfnRegistry(this, 'Schemas', {
      description: 'The Panther alert forwarder’s events (source panther.alert-forwarder)',
    });
    const content = busEventSchemas();
    this.schemas = (['alert', 'pointer'] as const).map(
      (which) =>
        new eventschemas.CfnSchema(this, which === 'alert' ? 'AlertSchema' : 'PointerSchema', {
          registryName: this.registry.attrRegistryName,
          schemaName: BUS_SCHEMA_NAMES[which],
          type: 'JSONSchemaDraft4',
          content: JSON.stringify(content[which]),
        }),
    );
  }

  /**
   * Lets a forwarding function put on this bus (and only this bus), names the bus in its environment,
   * and counts its failed puts from its request log lines.
   */
  public addSender(fn: lambda.Function, id: string): void {
    fn.addEnvironment(ENV.eventBusName, this.eventBus.eventBusArn);
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['events:PutEvents'], resources: [this.eventBus.eventBusArn] }));
    new logs.MetricFilter(this, `${id}FailedPuts`, {
      logGroup: fn.logGroup,
      filterPattern: logs.FilterPattern.stringValue('$.error', '=', `${BUS_ERROR_PREFIX}*`),
      metricNamespace: METRICS_NAMESPACE,
      metricName: BUS_PUT_FAILURES_METRIC,
      metricValue: '1',
      dimensions: { [SCOPE_DIMENSION]: `$.${SCOPE_DIMENSION}` },
    });
  }

  /** Deliveries the bus failed (a refused entry, EventBridge unreachable), every function together. */
  public metricFailedPuts(): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: METRICS_NAMESPACE,
      metricName: BUS_PUT_FAILURES_METRIC,
      dimensionsMap: { [SCOPE_DIMENSION]: this.metricsScope },
      statistic: 'Sum',
      period: Duration.minutes(5),
    });
  }
}

/**
 * The facade's one step for the bus: nothing unless configured; else the bus, each forwarding
 * function made a sender. Returns the bus, if any.
 */
export function addAlertBus(
  scope: Construct,
  props: Omit<AlertBusProps, 'choice'> & { readonly choice: AlertBusChoice },
  senders: readonly { readonly id: string; readonly function: lambda.Function | undefined }[],
): AlertBus | undefined {
  const { choice } = props;
  if (choice.kind === 'none') return undefined;
  const bus = new AlertBus(scope, 'EventBus', { ...props, choice });
  for (const sender of senders) if (sender.function) bus.addSender(sender.function, sender.id);
  return bus;
}
