/**
 * Where an accepted alert goes, whichever door it came in by: the alert queue, every route it
 * matches, and the archive queue when there is one. Every one of them must take it before the
 * delivery counts as done (a 2xx for the webhook, a processed record for the inbox).
 */
import type { ForwardingSettings } from './receiver-config';
import { matchingRoutes } from './routes';
import type { RoutingAttributes } from './webhook-core';

export interface DeliveryTargets {
  readonly queueUrls: readonly string[];
  /** The names of the routes that take it, for the receipt and the log. */
  readonly routes: readonly string[];
}

export function deliveryTargets(settings: ForwardingSettings, attributes: RoutingAttributes): DeliveryTargets {
  const matched = matchingRoutes(settings.routes, attributes);
  return {
    queueUrls: [
      settings.queueUrl,
      ...matched.map((route) => route.queueUrl),
      ...(settings.archiveQueueUrl === undefined ? [] : [settings.archiveQueueUrl]),
    ],
    routes: matched.map((route) => route.name),
  };
}
