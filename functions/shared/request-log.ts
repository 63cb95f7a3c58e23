/**
 * One JSON line per request, which is both the structured log and, through CloudWatch's Embedded
 * Metric Format, the metrics: no extra API call, nothing on the hot path but one stdout write. It
 * never holds the alert body or the secret: only the routing fields and the outcome.
 */
import type { Decision, EnqueueOutcome, RefusalReason } from './webhook-core';

export const METRICS_NAMESPACE = 'PantherAlertForwarder';

export type Outcome = 'queued' | 'quarantined' | 'refused' | 'unauthorized' | 'enqueue-failed' | 'error';

export interface RequestRecord {
  readonly outcome: Outcome;
  readonly status: number;
  readonly durationMs: number;
  readonly reason?: RefusalReason | 'secret-unavailable' | 'timeout' | 'unexpected';
  readonly alertId?: string;
  readonly detectionId?: string;
  readonly severity?: string;
  readonly type?: string;
  /** Error name and code only. */
  readonly error?: string;
}

/** The metric each outcome counts in, and the dimension it is split by. */
const METRIC: Record<Outcome, { name: string; dimension?: 'Severity' | 'Reason' }> = {
  queued: { name: 'Accepted', dimension: 'Severity' },
  quarantined: { name: 'Quarantined', dimension: 'Reason' },
  refused: { name: 'Refused', dimension: 'Reason' },
  unauthorized: { name: 'Unauthorized', dimension: 'Reason' },
  'enqueue-failed': { name: 'EnqueueFailures' },
  error: { name: 'Errors', dimension: 'Reason' },
};

/** What a handled request amounts to, from the core's decision and the queue's outcome. */
export function recordOf(decision: Decision, status: number, durationMs: number, sent?: EnqueueOutcome): RequestRecord {
  const failed = sent !== undefined && !sent.ok ? { outcome: 'enqueue-failed' as const, error: sent.error } : undefined;
  switch (decision.action) {
    case 'reply': {
      const unauthorized = decision.reason === 'unauthenticated' || decision.reason === 'forbidden';
      return { outcome: unauthorized ? 'unauthorized' : 'refused', status, durationMs, reason: decision.reason };
    }
    case 'quarantine':
      return { outcome: 'quarantined', status, durationMs, reason: decision.attributes.reason, ...failed };
    case 'enqueue': {
      const { alertId, detectionId, severity, type } = decision.attributes;
      return { outcome: 'queued', status, durationMs, alertId, detectionId, severity, type, ...failed };
    }
  }
}

export function requestLogLine(record: RequestRecord, timestamp: number = Date.now()): string {
  const metric = METRIC[record.outcome];
  const dimensionValue = metric.dimension === 'Severity' ? record.severity : record.reason;
  // Each metric is also published without dimensions, for totals and "no alerts for N hours".
  const dimensions = metric.dimension && dimensionValue ? [[metric.dimension], []] : [[]];
  return `${JSON.stringify({
    level: record.status >= 500 ? 'ERROR' : 'INFO',
    message: 'request',
    ...record,
    ...(metric.dimension && dimensionValue ? { [metric.dimension]: dimensionValue } : {}),
    [metric.name]: 1,
    _aws: {
      Timestamp: timestamp,
      CloudWatchMetrics: [{ Namespace: METRICS_NAMESPACE, Dimensions: dimensions, Metrics: [{ Name: metric.name, Unit: 'Count' }] }],
    },
  })}\n`;
}
