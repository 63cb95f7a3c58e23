/**
 * The bus target's segment of the forwarder's monitoring (forwarder-monitoring.ts adds it when the
 * forwarder has a bus): an alarm on failed puts, and a dashboard row, as every segment returns them. The bus's own delivery to its
 * rules' targets is EventBridge's (AWS/Events FailedInvocations per rule: docs/subscribe.md).
 */
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { AlertBus } from './alert-bus';
import { AT_LEAST_ONE, type MonitoringKit, type Segment } from './monitoring-kit';

export function busSegment(kit: MonitoringKit, bus: AlertBus | undefined): Segment {
  if (bus === undefined) return { alarms: [], widgets: [] };
  return {
    alarms: [
      kit.alarm(
        'EventBusPutFailed',
        'An alert could not be put on the event bus: Panther got a 5xx (or the inbox record is retried); see the request log’s error',
        { metric: bus.metricFailedPuts(), ...AT_LEAST_ONE },
      ),
    ],
    widgets: [new cloudwatch.GraphWidget({ title: 'Event bus: failed puts', left: [bus.metricFailedPuts()], width: 24 })],
  };
}
