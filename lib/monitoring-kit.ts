/** What every monitoring segment builds with: the forwarder's metrics, alarms that notify the topic, and the shared thresholds. */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { METRICS_NAMESPACE, SCOPE_DIMENSION } from '../functions/core/metrics';

/** A part of the monitoring: its alarms (already notifying the topic) and its dashboard widgets. */
export interface Segment {
  readonly alarms: readonly cloudwatch.Alarm[];
  readonly widgets: readonly cloudwatch.IWidget[];
}

/** Refusals (and stale-secret refreshes) count per quarter hour and page only when they persist: Panther retries every 15+ minutes. */
const PERSISTENT = {
  period: Duration.minutes(15),
  /** Two bad quarter hours within the last hour: a wrong header pages within an hour, one stray request never. */
  datapointsToAlarm: 2,
  evaluationPeriods: 4,
};

export const AT_LEAST_ONE = {
  threshold: 1,
  evaluationPeriods: 1,
  comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
  treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
};

export class MonitoringKit {
  constructor(
    /** Where the alarms are created (their ids are its children's). */
    private readonly scope: Construct,
    private readonly topic: sns.ITopic,
    /** The forwarder's Forwarder dimension. */
    private readonly metricsScope: string,
  ) {}

  /** One of the forwarder's own metrics (Sum over 5 minutes). */
  public metric(name: string, dimensionsMap: Record<string, string> = {}): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: METRICS_NAMESPACE,
      metricName: name,
      dimensionsMap: { [SCOPE_DIMENSION]: this.metricsScope, ...dimensionsMap },
      statistic: 'Sum',
      period: Duration.minutes(5),
    });
  }

  /** An alarm that notifies the topic on alarm and on recovery. */
  public alarm(id: string, description: string, options: Omit<cloudwatch.AlarmProps, 'alarmDescription'>): cloudwatch.Alarm {
    const created = new cloudwatch.Alarm(this.scope, id, { alarmDescription: description, ...options });
    created.addAlarmAction(new actions.SnsAction(this.topic));
    created.addOkAction(new actions.SnsAction(this.topic));
    return created;
  }

  /** A metric of the forwarder's that breaches in 2 of the last 4 quarter hours. */
  public persistent(metricName: string): Omit<cloudwatch.AlarmProps, 'alarmDescription'> {
    return {
      metric: this.metric(metricName).with({ period: PERSISTENT.period }),
      threshold: 1,
      evaluationPeriods: PERSISTENT.evaluationPeriods,
      datapointsToAlarm: PERSISTENT.datapointsToAlarm,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    };
  }
}

/** A queue has a message waiting. */
export function notEmpty(queue: sqs.IQueue): cloudwatch.IMetric {
  return queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' });
}
