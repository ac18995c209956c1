/**
 * electron-builder.yml against the JSON schema electron-builder itself ships (app-builder-lib's
 * scheme.json, JSON Schema draft-07): a misspelt or misplaced option fails here, not on a CI
 * runner of some OS half-way through a release.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { APP_BUILDER_LIB, readBuilderConfig } from './builder-config.ts';

/**
 * Compiled with the options electron-builder's own validator uses (app-builder-lib
 * out/util/config/schemaValidator.js), so "valid here" means "accepted there". strict off also
 * makes Ajv ignore the schema's non-standard `typeof: "function"` marks (hooks, desktop.entry),
 * exactly as electron-builder does; the values under them are checked in config.test.ts.
 */
function compileBuilderSchema() {
  const schema = JSON.parse(readFileSync(join(APP_BUILDER_LIB, 'scheme.json'), 'utf8')) as {
    $schema?: string;
  };
  expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
  const ajv = new Ajv({ allErrors: true, coerceTypes: true, strict: false });
  return ajv.compile(schema);
}

describe('electron-builder.yml', () => {
  const validate = compileBuilderSchema();

  it('validates against app-builder-lib/scheme.json', () => {
    const valid = validate(readBuilderConfig());
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('the schema is strict enough to catch a misspelt option', () => {
    // Guards the test above: without additionalProperties checks every config would "validate".
    expect(validate({ ...readBuilderConfig(), electronFuse: {} })).toBe(false);
    expect(validate({ ...readBuilderConfig(), nsis: { perMachien: false } })).toBe(false);
  });
});
