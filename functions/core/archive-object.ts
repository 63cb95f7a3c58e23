/**
 * What the archive keeps of one accepted alert: the message body's bytes as they are, under the key
 * archive-key.ts gives, with the routing attributes as S3 user metadata.
 *
 * S3 metadata travels as HTTP headers (`x-amz-meta-<name>`), which carry ASCII only: S3 mangles or
 * refuses anything else. Each value is therefore percent-encoded as UTF-8, byte by byte, for every
 * byte outside `!`..`~` and for `%` itself, so plain values stay readable (`HIGH`, `AWS.CloudTrail.X`),
 * and `decodeURIComponent` (decodeMetadataValue) gives back the exact string. Names are lower case,
 * as S3 returns them.
 */
import { archiveKey, type Placement } from './archive-key';
import { awsDateTimeToEpochMs } from './aws-date-time';
import type { Decision, RoutingAttributes } from './webhook-core';

/** The metadata names of the routing attributes (S3 lower-cases metadata names). */
export const METADATA_NAMES = {
  severity: 'severity',
  type: 'type',
  detectionId: 'detectionid',
  alertId: 'alertid',
  dedupKey: 'dedupkey',
} as const satisfies Record<keyof RoutingAttributes, string>;

/**
 * S3 allows 2 KB of user metadata per object, names and values together. Every value is cut (at a
 * whole character) to this many encoded characters, so six of them always fit: the full value is in
 * the body; the metadata is for a quick look and filtering, as the message attributes are.
 */
export const MAX_METADATA_VALUE_CHARS = 320;

const PLAIN_BYTE = (byte: number) => byte >= 0x21 && byte <= 0x7e && byte !== 0x25;
const PLAIN_VALUE = /^[\x21-\x24\x26-\x7e]*$/;

/** ASCII for a header value; reversible with decodeMetadataValue (see the module comment). */
export function encodeMetadataValue(value: string): string {
  // The common case, on every accepted alert's path: plain ASCII that needs no encoding.
  if (value.length <= MAX_METADATA_VALUE_CHARS && PLAIN_VALUE.test(value)) return value;
  let encoded = '';
  // Character by character, so a cut never splits one: decoding a cut value still works.
  for (const character of value) {
    const piece = [...Buffer.from(character, 'utf8')]
      .map((byte) => (PLAIN_BYTE(byte) ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`))
      .join('');
    if (encoded.length + piece.length > MAX_METADATA_VALUE_CHARS) break;
    encoded += piece;
  }
  return encoded;
}

/** The string a metadata value was encoded from. */
export function decodeMetadataValue(encoded: string): string {
  return decodeURIComponent(encoded);
}

/** What is written besides the body (the body is the delivery's message body, stored as its UTF-8 bytes). */
export interface ArchiveObject {
  readonly key: string;
  /** SHA-256 (hex) of the stored bytes: the dedupKey, which names the object. */
  readonly sha256: string;
  readonly contentType: 'application/json';
  readonly metadata: Readonly<Record<string, string>>;
}

/** On an object filed by its arrival hour, `placement: arrival` (its createdAt was too far from its arrival). */
export const PLACEMENT_METADATA = 'placement';
export const ARRIVAL_PLACEMENT = 'arrival' satisfies Placement;

/**
 * The archived object of an accepted alert, from the decision already made: the key is its dedupKey
 * (the SHA-256 the core computed of the message body), nothing is parsed or hashed again. Metadata:
 * the routing attributes its queue message carries, so the two never disagree.
 */
export function archiveObjectOf(decision: Extract<Decision, { action: 'enqueue' }>, arrivalMs: number, prefix: string): ArchiveObject {
  const { key, placement } = archiveKey(decision.attributes.dedupKey, awsDateTimeToEpochMs(decision.alert.createdAt), arrivalMs, prefix);
  const metadata: Record<string, string> = {};
  for (const [attribute, name] of Object.entries(METADATA_NAMES) as [keyof RoutingAttributes, string][]) {
    const value = decision.attributes[attribute];
    if (value !== undefined) metadata[name] = encodeMetadataValue(value);
  }
  if (placement === ARRIVAL_PLACEMENT) metadata[PLACEMENT_METADATA] = placement;
  return { key, sha256: decision.attributes.dedupKey, contentType: 'application/json', metadata };
}
