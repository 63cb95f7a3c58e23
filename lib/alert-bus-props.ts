/**
 * The forwarder's props for its EventBridge bus target (lib/alert-bus.ts), and their checks at synth.
 * Kept apart from forwarder-props.ts: the facade's props extend this interface.
 */
import { Token } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';

export interface AlertBusForwarderProps {
  /**
   * true: an EventBridge bus of the stack's own, on which every accepted alert is also put (with a
   * schema in a schema registry, and rules on it allowed to `consumerAccountIds`).
   * @default false: no bus, and nothing of it in the template or in the functions
   */
  readonly eventBus?: boolean;
  /**
   * Put every accepted alert on this existing bus instead (its owner manages its policy and rules).
   * @default none
   */
  readonly eventBusArn?: string;
  /**
   * Escape hatch: props of the bus the stack creates (`eventBus: true`), e.g. `kmsKeyIdentifier`,
   * `deadLetterQueue`, `description`.
   * @default none
   */
  readonly eventBusProps?: events.EventBusProps;
}

/** What the facade does with those props: nothing, create a bus, or use one. */
export type AlertBusChoice =
  | { readonly kind: 'none' }
  | { readonly kind: 'own'; readonly busProps: events.EventBusProps }
  | { readonly kind: 'existing'; readonly eventBusArn: string };

/** A bus ARN in any partition (a token is taken as it is). */
const EVENT_BUS_ARN = /^arn:aws[\w-]*:events:[a-z]{2}(-[a-z]+)+-\d+:\d{12}:event-bus\/[.\-_A-Za-z0-9]{1,256}$/;

/**
 * The bus props' problems, each named as the user typed the key (`key`), into the forwarder's one
 * list (forwarder-checks.ts). A deploy-time ARN (a token) is taken as it is.
 */
export function collectAlertBusProblems(
  props: AlertBusForwarderProps,
  fail: (prop: string, why: string) => void,
  key: (prop: string) => string,
): void {
  if (props.eventBus === true && props.eventBusArn !== undefined) fail('eventBus', `true or ${key('eventBusArn')}: give one, not both`);
  if (props.eventBusProps !== undefined && props.eventBus !== true)
    fail('eventBusProps', `needs ${key('eventBus')}: true (they shape the bus the stack creates)`);
  if (props.eventBusArn !== undefined && !Token.isUnresolved(props.eventBusArn) && !EVENT_BUS_ARN.test(props.eventBusArn))
    fail('eventBusArn', `must be an event bus ARN, got ${JSON.stringify(props.eventBusArn)}`);
}

/** What the facade does with props that passed collectAlertBusProblems. */
export function alertBusChoice(props: AlertBusForwarderProps): AlertBusChoice {
  if (props.eventBusArn !== undefined) return { kind: 'existing', eventBusArn: props.eventBusArn };
  return props.eventBus === true ? { kind: 'own', busProps: props.eventBusProps ?? {} } : { kind: 'none' };
}
