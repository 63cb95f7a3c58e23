/** What is written for one archive-queue message: metadata in ASCII that decodes back, and the checked settings. */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { readArchiveConfig } from '../../../functions/core/archive-config';
import {
  archiveObjectFor,
  decodeMetadataValue,
  encodeMetadataValue,
  MAX_METADATA_VALUE_CHARS,
} from '../../../functions/core/archive-object';
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

describe('archiveObjectFor', () => {
  const body = JSON.stringify(baseAlert({ id: 'Règle.Übung', alertId: 'a b' }));
  const sha256 = createHash('sha256').update(body).digest('hex');

  it('stores the body as it is, as JSON, with the attributes it arrived with', () => {
    const received = { severity: 'HIGH', type: 'RULE', detectionId: 'Règle.Übung', alertId: 'a b', dedupKey: sha256 };
    const object = archiveObjectFor(body, received, 0);
    expect(object).toMatchObject({ body, contentType: 'application/json', key: `alerts/dt=2020-10-13/hour=03/${sha256}.json` });
    expect(object.metadata).toEqual({
      severity: 'HIGH',
      type: 'RULE',
      detectionid: 'R%C3%A8gle.%C3%9Cbung',
      alertid: 'a%20b',
      dedupkey: sha256,
    });
  });

  it('computes the attributes a hand-sent message lacks from the body, and always names the object by its hash', () => {
    const object = archiveObjectFor(body, { severity: 'LOW', dedupKey: 'f'.repeat(64) }, 0);
    expect(Object.fromEntries(Object.entries(object.metadata).map(([name, value]) => [name, decodeMetadataValue(value)]))).toEqual({
      severity: 'LOW',
      type: 'RULE',
      detectionid: 'Règle.Übung',
      alertid: 'a b',
      dedupkey: sha256,
    });
    expect(object.key.endsWith(`/${sha256}.json`)).toBe(true);
  });

  it('keeps a body that is not an alert as text, with why', () => {
    const object = archiveObjectFor('{"id": 42}', {}, Date.UTC(2024, 0, 2, 3));
    expect(object).toMatchObject({ contentType: 'text/plain; charset=utf-8', metadata: { 'invalid-reason': 'not-an-alert' } });
    expect(object.key).toMatch(/^alerts\/invalid\/dt=2024-01-02\/hour=03\/[0-9a-f]{64}\.txt$/);
  });

  it('stays within S3’s 2 KB of metadata whatever the attributes hold', () => {
    const long = '🚨'.repeat(200);
    const object = archiveObjectFor('not json', { severity: long, type: long, detectionId: long, alertId: long }, 0);
    const bytes = Object.entries(object.metadata).reduce(
      (sum, [name, value]) => sum + Buffer.byteLength(name) + Buffer.byteLength(value),
      0,
    );
    expect(bytes).toBeLessThanOrEqual(2_048);
  });
});

describe('readArchiveConfig', () => {
  it('reads the bucket, and the defaults of the rest', () => {
    expect(readArchiveConfig({ ARCHIVE_BUCKET: 'my-archive.eu' })).toEqual({
      bucket: 'my-archive.eu',
      prefix: 'alerts/',
      requestLog: true,
      metricsScope: 'local',
    });
    expect(readArchiveConfig({ ARCHIVE_BUCKET: 'b12', ARCHIVE_PREFIX: '', REQUEST_LOG: 'off', METRICS_SCOPE: 'Stack/Fwd' })).toEqual({
      bucket: 'b12',
      prefix: '',
      requestLog: false,
      metricsScope: 'Stack/Fwd',
    });
  });

  it.each([
    [{}, 'ARCHIVE_BUCKET'],
    [{ ARCHIVE_BUCKET: 'My_Bucket' }, 'ARCHIVE_BUCKET'],
    [{ ARCHIVE_BUCKET: 'a..b' }, 'ARCHIVE_BUCKET'],
    [{ ARCHIVE_BUCKET: 'arn:aws:s3:::bucket' }, 'ARCHIVE_BUCKET'],
    [{ ARCHIVE_BUCKET: 'bucket', ARCHIVE_PREFIX: 'alerts' }, 'ARCHIVE_PREFIX'],
    [{ ARCHIVE_BUCKET: 'bucket', ARCHIVE_PREFIX: '/alerts/' }, 'ARCHIVE_PREFIX'],
    [{ ARCHIVE_BUCKET: 'bucket', ARCHIVE_PREFIX: 'Alerts/' }, 'ARCHIVE_PREFIX'],
    [{ ARCHIVE_BUCKET: 'bucket', ARCHIVE_PREFIX: 'a/../' }, 'ARCHIVE_PREFIX'],
    [{ ARCHIVE_BUCKET: 'bucket', REQUEST_LOG: 'yes' }, 'REQUEST_LOG'],
  ])('refuses %j, naming %s', (env, name) => {
    expect(() => readArchiveConfig(env)).toThrow(name);
  });
});
