/** What is written for one accepted alert: metadata in ASCII that decodes back, and the checked settings. */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import {
  archiveObjectOf,
  decodeMetadataValue,
  encodeMetadataValue,
  MAX_METADATA_VALUE_CHARS,
} from '../../../functions/core/archive-object';
import { readArchiveSettings } from '../../../functions/core/receiver-config';
import { decidePayload } from '../../../functions/core/webhook-core';
import { baseAlert } from '../../corpus/panther-payloads';

/** What S3 can carry in a header value: visible ASCII (spaces would be trimmed). */
const HEADER_SAFE = /^[\x21-\x7e]*$/;

describe('metadata values', () => {
  it('are visible ASCII, at most the cap, and decode to the value or, when cut, to a prefix of whole characters', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (value) => {
        const encoded = encodeMetadataValue(value);
        expect(encoded).toMatch(HEADER_SAFE);
        expect(encoded.length).toBeLessThanOrEqual(MAX_METADATA_VALUE_CHARS);
        const decoded = decodeMetadataValue(encoded);
        expect(value.startsWith(decoded)).toBe(true);
        // Cut only when the next whole character would not have fitted.
        if (decoded !== value) {
          const next = String.fromCodePoint(value.codePointAt(decoded.length)!);
          const nextChars = /^[\x21-\x24\x26-\x7e]$/.test(next) ? 1 : 3 * Buffer.byteLength(next);
          expect(encoded.length + nextChars).toBeGreaterThan(MAX_METADATA_VALUE_CHARS);
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it('leave plain values readable and encode %, spaces and everything beyond ASCII', () => {
    expect(encodeMetadataValue('AWS.CloudTrail.RootActivity')).toBe('AWS.CloudTrail.RootActivity');
    expect(encodeMetadataValue('100% done')).toBe('100%25%20done');
    expect(encodeMetadataValue('Règle 🚨')).toBe('R%C3%A8gle%20%F0%9F%9A%A8');
    expect(decodeMetadataValue('%2541')).toBe('%41');
  });
});

describe('archiveObjectOf', () => {
  const body = JSON.stringify(baseAlert({ id: 'Règle.Übung', alertId: 'a b' }));
  const sha256 = createHash('sha256').update(body).digest('hex');
  const accepted = (text: string) => {
    const decision = decidePayload({ body: text }, 'reject');
    if (decision.action !== 'enqueue') throw new Error('not an alert');
    return decision;
  };
  const createdAt = Date.parse('2020-10-13T03:35:24Z');

  it('names the object by the body’s SHA-256, as JSON, with the routing attributes its queue message carries', () => {
    const object = archiveObjectOf(accepted(body), createdAt + 60_000, 'alerts/');
    expect(object).toEqual({
      key: `alerts/dt=2020-10-13/hour=03/${sha256}.json`,
      sha256,
      contentType: 'application/json',
      metadata: { severity: 'HIGH', type: 'RULE', detectionid: 'R%C3%A8gle.%C3%9Cbung', alertid: 'a%20b', dedupkey: sha256 },
    });
  });

  it('stays within S3’s 2 KB of metadata whatever the attributes hold', () => {
    const long = '🚨'.repeat(200);
    const object = archiveObjectOf(accepted(JSON.stringify(baseAlert({ id: long, alertId: long, type: 'RULE' }))), createdAt, '');
    const bytes = Object.entries(object.metadata).reduce(
      (sum, [name, value]) => sum + Buffer.byteLength(name) + Buffer.byteLength(value),
      0,
    );
    expect(bytes).toBeLessThanOrEqual(2_048);
  });
});

describe('readArchiveSettings', () => {
  it('reads the bucket, and the default prefix; no bucket is no archive', () => {
    expect(readArchiveSettings({ ARCHIVE_BUCKET: 'my-archive.eu' })).toEqual({ bucket: 'my-archive.eu', prefix: 'alerts/' });
    expect(readArchiveSettings({ ARCHIVE_BUCKET: 'b12', ARCHIVE_PREFIX: '' })).toEqual({ bucket: 'b12', prefix: '' });
    expect(readArchiveSettings({})).toBeUndefined();
  });

  it.each([
    [{ ARCHIVE_PREFIX: 'alerts/' }, 'ARCHIVE_BUCKET'],
    [{ ARCHIVE_BUCKET: '' }, 'ARCHIVE_BUCKET'],
    [{ ARCHIVE_BUCKET: 'My_Bucket' }, 'ARCHIVE_BUCKET'],
    [{ ARCHIVE_BUCKET: 'a..b' }, 'ARCHIVE_BUCKET'],
    [{ ARCHIVE_BUCKET: 'arn:aws:s3:::bucket' }, 'ARCHIVE_BUCKET'],
    [{ ARCHIVE_BUCKET: 'bucket', ARCHIVE_PREFIX: 'alerts' }, 'ARCHIVE_PREFIX'],
    [{ ARCHIVE_BUCKET: 'bucket', ARCHIVE_PREFIX: '/alerts/' }, 'ARCHIVE_PREFIX'],
    [{ ARCHIVE_BUCKET: 'bucket', ARCHIVE_PREFIX: 'Alerts/' }, 'ARCHIVE_PREFIX'],
    [{ ARCHIVE_BUCKET: 'bucket', ARCHIVE_PREFIX: 'a/../' }, 'ARCHIVE_PREFIX'],
  ])('refuses %j, naming %s', (env, name) => {
    expect(() => readArchiveSettings(env)).toThrow(name);
  });
});
