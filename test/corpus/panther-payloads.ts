/**
 * The project's corpus of request bodies: every payload variant test/fixtures/panther/CONTRACT.md describes (valid) and
 * things that are not Panther alerts (invalid). Core, handler, bundle and end-to-end tests all use it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { baseAlert, padTo } from '../../scripts/sample-alerts';

export { baseAlert, distinctAlerts, padTo } from '../../scripts/sample-alerts';

export const EXAMPLES_DIR = join(__dirname, '..', 'fixtures', 'panther', 'examples');

export interface CorpusCase {
  readonly name: string;
  readonly body: Buffer;
  /** What the webhook must answer. */
  readonly status: 200 | 400 | 413;
  /** For 400s: a field the error must name (or a phrase of the error). */
  readonly mentions?: string;
}

/** Panther's own examples, vendored in test/fixtures/panther/examples (sources: CONTRACT.md there). */
export function pantherExamples(): CorpusCase[] {
  return readdirSync(EXAMPLES_DIR)
    .filter((file) => file.endsWith('.json'))
    .map((file) => ({ name: `example ${file}`, body: readFileSync(join(EXAMPLES_DIR, file)), status: 200 as const }));
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const valid = (name: string, body: Buffer): CorpusCase => ({ name, body, status: 200 });
const invalid = (name: string, body: Buffer, mentions: string): CorpusCase => ({ name, body, status: 400, mentions });
const without = (key: string) => {
  const alert = baseAlert();
  delete alert[key];
  return alert;
};

export const VALID_CASES: readonly CorpusCase[] = [
  valid('all 13 keys', json(baseAlert())),
  valid('only the four required keys', json({ id: 'X', createdAt: '2020-10-13T03:35:24Z', severity: 'LOW', type: 'RULE' })),
  valid('nulls where Panther sends them', json(baseAlert({ name: null, alertId: null, description: null, runbook: null, version: null }))),
  valid(
    'empty strings and empty arrays',
    json(baseAlert({ link: '', title: '', description: '', runbook: '', tags: [], alertContext: {} })),
  ),
  valid('tags as a Go nil slice (null)', json(baseAlert({ tags: null }))),
  valid('alertContext with an _error', json(baseAlert({ alertContext: { _error: "KeyError('x')" } }))),
  valid('alertContext deeply nested', json(baseAlert({ alertContext: { a: [{ b: { c: [1, 2, { d: null }] } }], n: 1.5e300 } }))),
  valid('alertContext as an array', json(baseAlert({ alertContext: [1, 'two'] }))),
  valid('alertContext as null', json(baseAlert({ alertContext: null }))),
  valid('unknown extra keys (Panther adds fields)', json(baseAlert({ analysisId: 'Old.Id', newField: { x: 1 } }))),
  valid('type POLICY', json(baseAlert({ type: 'POLICY' }))),
  valid('type SCHEDULED_RULE', json(baseAlert({ type: 'SCHEDULED_RULE' }))),
  valid('type SCHEDULED_RULE_ERROR', json(baseAlert({ type: 'SCHEDULED_RULE_ERROR' }))),
  valid('type SYSTEM_ERROR, CRITICAL', json(baseAlert({ type: 'SYSTEM_ERROR', severity: 'CRITICAL' }))),
  valid('type CORRELATION_RULE', json(baseAlert({ type: 'CORRELATION_RULE' }))),
  valid('type CORRELATION_RULE_ERROR', json(baseAlert({ type: 'CORRELATION_RULE_ERROR' }))),
  valid('a future alert type', json(baseAlert({ type: 'SIGNAL_2027' }))),
  valid('severity INFO', json(baseAlert({ severity: 'INFO' }))),
  valid('severity MEDIUM', json(baseAlert({ severity: 'MEDIUM' }))),
  valid('createdAt with 1 fraction digit', json(baseAlert({ createdAt: '2020-09-01T21:10:41.8Z' }))),
  valid('createdAt with 5 fraction digits', json(baseAlert({ createdAt: '2020-09-01T21:10:41.80307Z' }))),
  valid('createdAt with 9 fraction digits', json(baseAlert({ createdAt: '2022-04-26T03:17:32.099054303Z' }))),
  valid('createdAt without seconds', json(baseAlert({ createdAt: '2020-10-13T03:35Z' }))),
  valid('createdAt with +hh:mm', json(baseAlert({ createdAt: '2020-10-13T05:35:24+02:00' }))),
  valid('createdAt with -hh:mm:ss', json(baseAlert({ createdAt: '2020-10-12T22:35:24-04:59:59' }))),
  valid('createdAt on 29 February of a leap year', json(baseAlert({ createdAt: '2024-02-29T00:00:00Z' }))),
  valid('createdAt at the last instant of a year', json(baseAlert({ createdAt: '1999-12-31T23:59:59.999999999Z' }))),
  valid('keys in another order', json(Object.fromEntries(Object.entries(baseAlert()).reverse()))),
  valid(
    'Go escapes <, > and &',
    Buffer.from(
      JSON.stringify(baseAlert({ title: 'a <b> & c' }))
        .replace(/</g, '\\u003c')
        .replace(/>/g, '\\u003e')
        .replace(/&/g, '\\u0026'),
    ),
  ),
  valid('pretty-printed with CRLF line ends', Buffer.from(JSON.stringify(baseAlert(), null, 2).replace(/\n/g, '\r\n'))),
  valid('non-ASCII and emoji text', json(baseAlert({ title: 'Zugriff verweigert — 🚨 ключ', tags: ['日本語'] }))),
  valid('a raw U+FFFF inside a string', Buffer.from(JSON.stringify(baseAlert({ title: 'odd \uffff char' })))),
  valid('a 200 KB alertContext (Panther caps it at 204,800 characters)', json(baseAlert({ alertContext: { blob: 'x'.repeat(204_800) } }))),
  valid('a very long detection id', json(baseAlert({ id: `Custom.${'Long'.repeat(200)}` }))),
  valid('control characters escaped in the id', json(baseAlert({ id: 'tab\there\u0001' }))),
];

export const INVALID_CASES: readonly CorpusCase[] = [
  invalid('empty body', Buffer.alloc(0), 'empty body'),
  invalid('not JSON', Buffer.from('hello panther'), 'not valid JSON'),
  invalid('truncated JSON', Buffer.from(JSON.stringify(baseAlert()).slice(0, 50)), 'not valid JSON'),
  invalid('JSON with a BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), json(baseAlert())]), 'not valid JSON'),
  invalid('not UTF-8 (Latin-1 byte)', Buffer.concat([Buffer.from('{"id":"caf'), Buffer.from([0xe9]), Buffer.from('"}')]), 'UTF-8'),
  invalid('not UTF-8 (encoded surrogate)', Buffer.from([0x7b, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d]), 'UTF-8'),
  invalid('a JSON array', json([baseAlert()]), '(body)'),
  invalid('a JSON string', json('alert'), '(body)'),
  invalid('JSON null', Buffer.from('null'), '(body)'),
  invalid('an empty object', Buffer.from('{}'), 'id: is required'),
  invalid('missing id', json(without('id')), 'id: is required'),
  invalid('missing createdAt', json(without('createdAt')), 'createdAt: is required'),
  invalid('missing severity', json(without('severity')), 'severity: is required'),
  invalid('missing type', json(without('type')), 'type: is required'),
  invalid('empty id', json(baseAlert({ id: '' })), 'id:'),
  invalid('empty createdAt', json(baseAlert({ createdAt: '' })), 'createdAt:'),
  invalid('empty severity', json(baseAlert({ severity: '' })), 'severity:'),
  invalid('empty type', json(baseAlert({ type: '' })), 'type:'),
  invalid('unknown severity', json(baseAlert({ severity: 'URGENT' })), 'severity: must be one of'),
  invalid('lower-case severity', json(baseAlert({ severity: 'high' })), 'severity:'),
  invalid('lower-case type', json(baseAlert({ type: 'rule' })), 'type:'),
  invalid('createdAt without a zone', json(baseAlert({ createdAt: '2020-10-13T03:35:24' })), 'createdAt:'),
  invalid('createdAt as a date only', json(baseAlert({ createdAt: '2020-10-13' })), 'createdAt:'),
  invalid('createdAt as epoch seconds', json(baseAlert({ createdAt: 1602560124 })), 'createdAt:'),
  invalid('createdAt with 10 fraction digits', json(baseAlert({ createdAt: '2020-10-13T03:35:24.1234567890Z' })), 'createdAt:'),
  invalid('createdAt in month 13', json(baseAlert({ createdAt: '2020-13-13T03:35:24Z' })), 'createdAt:'),
  invalid('createdAt on 30 February', json(baseAlert({ createdAt: '2020-02-30T03:35:24Z' })), 'createdAt:'),
  invalid('createdAt on 29 February of a common year', json(baseAlert({ createdAt: '2023-02-29T03:35:24Z' })), 'createdAt:'),
  invalid('createdAt at hour 24', json(baseAlert({ createdAt: '2020-10-13T24:00:00Z' })), 'createdAt:'),
  invalid('createdAt at second 60', json(baseAlert({ createdAt: '2020-10-13T23:59:60Z' })), 'createdAt:'),
  invalid('createdAt with a fraction but no seconds', json(baseAlert({ createdAt: '2020-10-13T03:35.5Z' })), 'createdAt:'),
  invalid('createdAt with offset +25:00', json(baseAlert({ createdAt: '2020-10-13T03:35:24+25:00' })), 'createdAt:'),
  invalid('createdAt with a space for T', json(baseAlert({ createdAt: '2020-10-13 03:35:24Z' })), 'createdAt:'),
  invalid('id as a number', json(baseAlert({ id: 42 })), 'id: must be string'),
  invalid('severity as a number', json(baseAlert({ severity: 3 })), 'severity:'),
  invalid('tags as a string', json(baseAlert({ tags: 'AWS' })), 'tags:'),
  invalid('a tag that is not a string', json(baseAlert({ tags: ['ok', 7] })), 'tags.1:'),
  invalid('name as an object', json(baseAlert({ name: { first: 'x' } })), 'name:'),
  invalid('alertId as a number', json(baseAlert({ alertId: 123 })), 'alertId:'),
  invalid('link as null', json(baseAlert({ link: null })), 'link:'),
];

/** Over SQS's 1 MiB, in two ways: a huge body, and a body that fits only without its attributes. */
export const TOO_LARGE_CASES: readonly CorpusCase[] = [
  { name: 'a 2 MiB alert', body: json(baseAlert({ alertContext: { blob: 'x'.repeat(2 * 1024 * 1024) } })), status: 413 },
  { name: 'exactly 1 MiB plus one byte', body: padTo(1_048_577), status: 413 },
  { name: 'exactly 1 MiB, leaving no room for the routing attributes', body: padTo(1_048_576), status: 413 },
];

export const ALL_CASES: readonly CorpusCase[] = [...pantherExamples(), ...VALID_CASES, ...INVALID_CASES, ...TOO_LARGE_CASES];
