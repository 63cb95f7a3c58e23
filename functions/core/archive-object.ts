/**
 * What the archive processor writes for one message of the archive queue: the body's bytes as they
 * are, under the key archive-key.ts gives, with the routing attributes as S3 user metadata.
 *
 * S3 metadata travels as HTTP headers (`x-amz-meta-<name>`), which carry ASCII only: S3 mangles or
 * refuses anything else. Each value is therefore percent-encoded as UTF-8, byte by byte, for every
 * byte outside `!`..`~` and for `%` itself, so plain values stay readable (`HIGH`, `AWS.CloudTrail.X`),
 * and `decodeURIComponent` (decodeMetadataValue) gives back the exact string. Names are lower case,
 * as S3 returns them.
 */
import { type ArchivePlacement, placeInArchive } from './archive-key';
import type { RefusalReason, RoutingAttributes } from './webhook-core';

/** The metadata names of the routing attributes (S3 lower-cases metadata names). */
export const METADATA_NAMES = {
  severity: 'severity',
  type: 'type',
  detectionId: 'detectionid',
  alertId: 'alertid',
  dedupKey: 'dedupkey',
} as const satisfies Record<keyof RoutingAttributes, string>;

/** On an object under `invalid/`: why the body is not a valid alert (a RefusalReason). */
export const INVALID_REASON_METADATA = 'invalid-reason';

/**
 * S3 allows 2 KB of user metadata per object, names and values together. Every value is cut (at a
 * whole character) to this many encoded characters, so six of them always fit: the full value is in
 * the body; the metadata is for a quick look and filtering, as the message attributes are.
 */
export const MAX_METADATA_VALUE_CHARS = 320;

const PLAIN_BYTE = (byte: number) => byte >= 0x21 && byte <= 0x7e && byte !== 0x25;

/** ASCII for a header value; reversible with decodeMetadataValue (see the module comment). */
export function encodeMetadataValue(value: string): string {
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

/** The object to write. `body` is stored as its UTF-8 bytes, exactly. */
export interface ArchiveObject {
  readonly key: string;
  readonly body: string;
  readonly contentType: string;
  readonly metadata: Readonly<Record<string, string>>;
  readonly placement: ArchivePlacement;
}

/** The message attributes a message arrived with, by name (only String values). */
export type ReceivedAttributes = Readonly<Record<string, string | undefined>>;

/**
 * The object for one message. Metadata: the routing attributes the message carried (what its
 * consumers saw); any it lacks (a message sent by hand) computed from the body by the receiver's own
 * core; dedupkey always the body's hash, which also names the object, so the two never disagree.
 */
export function archiveObjectFor(body: string, received: ReceivedAttributes, arrivalMs: number, prefix?: string): ArchiveObject {
  const placement = placeInArchive(body, arrivalMs, prefix);
  const computed: Partial<RoutingAttributes> = placement.kind === 'alert' ? placement.decision.attributes : {};
  const metadata: Record<string, string> = {};
  for (const [attribute, name] of Object.entries(METADATA_NAMES) as [keyof RoutingAttributes, string][]) {
    const value = attribute === 'dedupKey' ? placement.dedupKey : (received[attribute] ?? computed[attribute]);
    if (value !== undefined) metadata[name] = encodeMetadataValue(value);
  }
  if (placement.kind === 'invalid') metadata[INVALID_REASON_METADATA] = placement.reason satisfies RefusalReason;
  return {
    key: placement.key,
    body,
    contentType: placement.kind === 'alert' ? 'application/json' : 'text/plain; charset=utf-8',
    metadata,
    placement,
  };
}
