/**
 * The bus target's segment of the forwarder's monitoring (forwarder-monitoring.ts adds it when the
 * forwarder has a bus): an alarm on failed puts, and a dashboard row. The bus's own delivery to its
 * rules' targets is EventBridge's (AWS/Events FailedInvocations per rule: docs/subscribe.md).
 */
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { AlertBus } from './alert-bus';

/** An alarm as ForwarderMonitoring creates them: id, description, options. */
export type AlarmSpec = readonly [id: string, description: string, options: Omit<cloudwatch.AlarmProps, 'alarmDescription'>];

export function busAlarms(bus: AlertBus): AlarmSpec[] {
  return [
    [
      'EventBusPutFailed',
      'An alert could not be put on the event bus: Panther got a 5xx (or the inbox record is retried); see the request log’s error',
      {
        metric: bus.metricFailedPuts(),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      },
    ],
  ];
}

export function busWidgets(bus: AlertBus): cloudwatch.IWidget[] {
  return [new cloudwatch.GraphWidget({ title: 'Event bus: failed puts', left: [bus.metricFailedPuts()], width: 24 })];
}
