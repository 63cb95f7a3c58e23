/** The alert schema and the one ajv configuration every validator of it is compiled with. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type CodeOptions } from 'ajv';
import { formats } from '../functions/core/aws-date-time';

export const CORE_DIR = join(__dirname, '..', 'functions', 'core');

/** The alert schema, parsed. */
export function alertSchema(): Record<string, unknown> {
  return JSON.parse(readFileSync(join(CORE_DIR, 'panther-alert.schema.json'), 'utf8'));
}

/**
 * The ajv every validator of the alert schema is compiled with (the generator's standalone one, and the
 * tests' reference). allErrors: analysts see the answer in Panther, so name every failing field at
 * once; the cost is bounded, as the schema has no unbounded sub-schema but `tags` items.
 */
export function alertAjv(code?: CodeOptions): Ajv {
  const ajv = new Ajv({ allErrors: true, allowUnionTypes: true, strict: true, formats, ...(code ? { code } : {}) });
  ajv.addKeyword('tsType'); // json-schema-to-typescript's hint for the generated type; no validation meaning
  return ajv;
}
