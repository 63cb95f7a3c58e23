/**
 * One JSON line per request (or inbox record), which is both the structured log and,
 * through CloudWatch's Embedded Metric Format, the metrics: no extra API call, nothing on the hot
 * path but one stdout write. It never holds the alert body or the secret: only the routing fields
 * and the outcome.
 */
import { METRICS_NAMESPACE, type Outcome, OUTCOME_METRICS, SCOPE_DIMENSION, SECRET_STALE_METRIC } from '../core/metrics';
import type { Decision, EnqueueOutcome, RefusalReason } from '../core/webhook-core';

export type { Outcome };

export interface RequestRecord {
  readonly outcome: Outcome;
  readonly status: number;
  readonly durationMs: number;
  readonly reason?: RefusalReason | 'secret-unavailable' | 'timeout' | 'unexpected';
  /** Our id for the request (Lambda's request id), also in the answer Panther shows. */
  readonly requestId?: string;
  /** API Gateway's id for the request, as in its access log. */
  readonly apiRequestId?: string;
  readonly alertId?: string;
  readonly detectionId?: string;
  readonly severity?: string;
  readonly type?: string;
  /** The route queues the alert went to, besides the alert queue. */
  readonly routes?: readonly string[];
  /** `pointer`: the event bus got the alert's pointer event, the alert being too big for it. */
  readonly busEvent?: 'pointer';
  /** Error name and code only. */
  readonly error?: string;
}

/** What a handled request amounts to (less its status and duration), from the core's decision and the queue's outcome. */
export function recordOf(decision: Decision, sent?: EnqueueOutcome): Omit<RequestRecord, 'status' | 'durationMs'> {
  const failed = sent !== undefined && !sent.ok ? { outcome: 'enqueue-failed' as const, error: sent.error } : undefined;
  switch (decision.action) {
    case 'reply': {
      const unauthorized = decision.reason === 'unauthenticated' || decision.reason === 'forbidden';
      return { outcome: unauthorized ? 'unauthorized' : 'refused', reason: decision.reason };
    }
    case 'quarantine':
      return { outcome: 'quarantined', reason: decision.attributes.reason, ...failed };
    case 'enqueue': {
      const { alertId, detectionId, severity, type } = decision.attributes;
      return { outcome: 'queued', alertId, detectionId, severity, type, ...failed };
    }
  }
}

/** The log line, whose metric carries the `scope` (this deployment) as a dimension. */
export function requestLogLine(record: RequestRecord, scope: string, timestamp: number = Date.now()): string {
  const metric = OUTCOME_METRICS[record.outcome];
  const dimensionValue = metric.dimension === 'Severity' ? record.severity : record.reason;
  const split = metric.dimension !== undefined && dimensionValue !== undefined;
  // Each metric is also published without the split, for totals and "no alerts for N hours".
  const dimensions = split ? [[SCOPE_DIMENSION, metric.dimension!], [SCOPE_DIMENSION]] : [[SCOPE_DIMENSION]];
  return emfLine(
    {
      level: record.status >= 500 ? 'ERROR' : 'INFO',
      message: 'request',
      ...record,
      ...(split ? { [metric.dimension!]: dimensionValue } : {}),
    },
    { scope, metricName: metric.name, dimensions, timestamp },
  );
}

/** The line a failed secret refresh writes while the cached secret keeps serving (never the value). */
export function staleSecretLogLine(error: string, scope: string, timestamp: number = Date.now()): string {
  return emfLine(
    { level: 'WARN', message: 'secret refresh failed; the cached secret stays in use', error },
    { scope, metricName: SECRET_STALE_METRIC, dimensions: [[SCOPE_DIMENSION]], timestamp },
  );
}

/** One JSON line that is also one count of `metricName` in Embedded Metric Format. */
function emfLine(
  fields: Record<string, unknown>,
  { scope, metricName, dimensions, timestamp }: { scope: string; metricName: string; dimensions: string[][]; timestamp: number },
): string {
  return `${JSON.stringify({
    ...fields,
    [SCOPE_DIMENSION]: scope,
    [metricName]: 1,
    _aws: {
      Timestamp: timestamp,
      CloudWatchMetrics: [{ Namespace: METRICS_NAMESPACE, Dimensions: dimensions, Metrics: [{ Name: metricName, Unit: 'Count' }] }],
    },
  })}\n`;
}

/** A logger writing one line per request to stdout (CloudWatch Logs in Lambda). */
export function stdoutRequestLog(scope: string): (record: RequestRecord) => void {
  return stdoutLog(requestLogLine, scope);
}

function stdoutLog<R>(line: (record: R, scope: string) => string, scope: string): (record: R) => void {
  return (record) => {
    process.stdout.write(line(record, scope));
  };
}
