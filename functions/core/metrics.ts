/**
 * The receiver's metric names, shared by the request log that emits them (EMF) and the monitoring
 * construct that alarms on them, so the two cannot drift apart.
 */
export const METRICS_NAMESPACE = 'PantherAlertForwarder';

/** The dimension that scopes every metric to one deployment (a stack's name), so forwarders never mix. */
export const SCOPE_DIMENSION = 'Forwarder';

export type Outcome = 'queued' | 'quarantined' | 'refused' | 'unauthorized' | 'enqueue-failed' | 'error';

/** The metric each outcome counts in, and the dimension it is split by. */
export const OUTCOME_METRICS: Readonly<Record<Outcome, { readonly name: string; readonly dimension?: 'Severity' | 'Reason' }>> = {
  queued: { name: 'Accepted', dimension: 'Severity' },
  quarantined: { name: 'Quarantined', dimension: 'Reason' },
  refused: { name: 'Refused', dimension: 'Reason' },
  unauthorized: { name: 'Unauthorized', dimension: 'Reason' },
  'enqueue-failed': { name: 'EnqueueFailures' },
  error: { name: 'Errors', dimension: 'Reason' },
};

/** Counted once per failed secret refresh while the cached secret keeps serving: the cache is stale. */
export const SECRET_STALE_METRIC = 'SecretStaleServed';
