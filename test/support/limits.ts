/**
 * Fault tests wait on the clients' real deadlines (1.5 s an attempt, and more): most cases run at a
 * tenth of them, through AwsClientTarget.limits, and each kind of fault keeps one case at full scale.
 */
import type { AttemptLimits } from '../../functions/runtime/aws-client-options';

export const TENTH = 0.1;

/** The same attempts, with connect and attempt deadlines times `factor`. */
export function scaled(limits: AttemptLimits, factor: number): AttemptLimits {
  return { ...limits, connectMs: Math.round(limits.connectMs * factor), attemptMs: Math.round(limits.attemptMs * factor) };
}
