/**
 * Validates REST bodies against Twilio's own OpenAPI excerpt
 * (test/fixtures/twilio/chat_v2_bindings.openapi.json, vendored unchanged from
 * twilio/twilio-oai: see the README beside it), tightened to the wire
 * contract of BINDINGS_API.md:
 *
 * - every property of a schema must be present (`required` = all of them; null
 *   where there is no value) and no other property may appear;
 * - dates are `YYYY-MM-DDTHH:mm:ssZ` (UTC, whole seconds, literal Z);
 * - `format: uri-map` objects (`links`) hold absolute URIs only;
 * - key order: bindings and user bindings in the order of Twilio's examples,
 *   list `meta` in the examples' order, and the envelope `meta` then `bindings`.
 *
 * OpenAPI 3.0's `nullable: true` is understood by Ajv 8 itself (it reads it as
 * `type: [t, "null"]`); the only schemas needing help are the ones with
 * `nullable` but no `type` (Service `limits`, `notifications`, `media`), which
 * allow any value anyway, so the keyword is dropped there.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { expect } from 'vitest';

export const OPENAPI_PATH = new URL('../fixtures/twilio/chat_v2_bindings.openapi.json', import.meta.url);

export type BodyKind = 'binding' | 'userBinding' | 'service' | 'user' | 'bindingList' | 'userBindingList';

/** Key order of Twilio's examples (binding_type before credential_sid), which the shim imitates. */
export const BINDING_KEYS = [
  'sid',
  'account_sid',
  'service_sid',
  'date_created',
  'date_updated',
  'endpoint',
  'identity',
  'binding_type',
  'credential_sid',
  'message_types',
  'url',
  'links',
] as const;
export const USER_BINDING_KEYS = [
  'sid',
  'account_sid',
  'service_sid',
  'date_created',
  'date_updated',
  'endpoint',
  'identity',
  'user_sid',
  'binding_type',
  'credential_sid',
  'message_types',
  'url',
] as const;
export const META_KEYS = ['page', 'page_size', 'first_page_url', 'previous_page_url', 'url', 'next_page_url', 'key'] as const;

export const TWILIO_DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const spec = JSON.parse(readFileSync(OPENAPI_PATH, 'utf8')) as {
  components: { schemas: Record<string, JsonObject> };
  paths: Record<string, Record<string, JsonObject>>;
};

function listResponseSchema(path: string): JsonObject {
  const get = spec.paths[path]?.get as any;
  const schema = get?.responses?.['200']?.content?.['application/json']?.schema;
  if (!schema) throw new Error(`no 200 list schema for ${path} in ${OPENAPI_PATH.pathname}`);
  return schema as JsonObject;
}

/**
 * OpenAPI schema object → JSON Schema for Ajv, with the contract's tightening:
 * refs into `#/$defs`, vendor keys dropped, every property required, nothing
 * else allowed, Twilio's date shape, uri-map as a map of URIs.
 */
function toJsonSchema(node: Json): Json {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (node === null || typeof node !== 'object') return node;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('x-') || key === 'example' || key === 'examples') continue;
    if (key === '$ref' && typeof value === 'string') {
      out.$ref = value.replace('#/components/schemas/', '#/$defs/');
      continue;
    }
    // `properties` maps names to schemas: convert the schemas, keep the names.
    if (key === 'properties' && value && typeof value === 'object' && !Array.isArray(value)) {
      out.properties = Object.fromEntries(Object.entries(value).map(([name, schema]) => [name, toJsonSchema(schema)]));
      continue;
    }
    out[key] = toJsonSchema(value);
  }
  if (out.nullable !== undefined && out.type === undefined) delete out.nullable;
  if (out.format === 'date-time') out.pattern = TWILIO_DATE.source;
  if (out.format === 'uri-map') {
    delete out.format;
    out.additionalProperties = { type: 'string', format: 'uri' };
  }
  if (out.properties && typeof out.properties === 'object' && !Array.isArray(out.properties)) {
    out.type ??= 'object';
    out.required = Object.keys(out.properties);
    out.additionalProperties = false;
  }
  return out;
}

const SCHEMA_ID = 'https://chat.twilio.com/openapi/chat_v2_bindings.json';
const KIND_SCHEMA: Record<BodyKind, string> = {
  binding: 'chat.v2.service.binding',
  userBinding: 'chat.v2.service.user.user_binding',
  service: 'chat.v2.service',
  user: 'chat.v2.service.user',
  bindingList: 'ListBindingResponse',
  userBindingList: 'ListUserBindingResponse',
};

const defs: Record<string, Json> = Object.fromEntries(Object.entries(spec.components.schemas).map(([name, schema]) => [name, toJsonSchema(schema)]));
defs.ListBindingResponse = toJsonSchema(listResponseSchema('/v2/Services/{ServiceSid}/Bindings'));
defs.ListUserBindingResponse = toJsonSchema(listResponseSchema('/v2/Services/{ServiceSid}/Users/{UserSid}/Bindings'));

const ajv = new Ajv({ allErrors: true, strict: true });
// ajv-formats is CommonJS with `exports.default`; under Node's ESM interop the default import is the module object.
const addFormats = ((addFormatsModule as any).default ?? addFormatsModule) as typeof addFormatsModule.default;
addFormats(ajv, ['date-time', 'uri']);
ajv.addSchema({ $id: SCHEMA_ID, $defs: defs });

const validators = new Map<BodyKind, ValidateFunction>();
function validatorFor(kind: BodyKind): ValidateFunction {
  let validate = validators.get(kind);
  if (!validate) {
    validate = ajv.getSchema(`${SCHEMA_ID}#/$defs/${KIND_SCHEMA[kind]}`);
    if (!validate) throw new Error(`no schema for ${kind}`);
    validators.set(kind, validate);
  }
  return validate;
}

function describe(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`).join('\n');
}

/**
 * Fails the test unless `body` is a valid `kind` body: the spec's schema plus
 * the contract (every property, no other, dates, key order).
 */
export function expectValid(kind: BodyKind, body: unknown): void {
  const validate = validatorFor(kind);
  if (!validate(body)) {
    throw new Error(`invalid ${kind} body:\n${describe(validate.errors)}\nbody: ${JSON.stringify(body)}`);
  }
  const record = body as Record<string, any>;
  switch (kind) {
    case 'binding':
      expect(Object.keys(record), 'binding key order').toEqual(BINDING_KEYS);
      expect(Object.keys(record.links ?? {}), 'binding links').toEqual(['user']);
      break;
    case 'userBinding':
      expect(Object.keys(record), 'user binding key order').toEqual(USER_BINDING_KEYS);
      break;
    case 'bindingList':
    case 'userBindingList':
      expect(Object.keys(record), 'list envelope keys').toEqual(['meta', 'bindings']);
      expect(Object.keys(record.meta), 'meta key order').toEqual(META_KEYS);
      expect(record.meta.key).toBe('bindings');
      for (const item of record.bindings as unknown[]) expectValid(kind === 'bindingList' ? 'binding' : 'userBinding', item);
      break;
    default:
      break;
  }
}

/** The kind of body a successful GET answers with, from its path; undefined for other paths. */
export function kindOfPath(pathname: string): BodyKind | undefined {
  const p = pathname.split('/');
  // ['', 'v2', 'Services', IS, ...]
  if (p[1] !== 'v2' || p[2] !== 'Services' || !p[3]) return undefined;
  if (p.length === 4) return 'service';
  if (p[4] === 'Bindings') return p.length === 5 ? 'bindingList' : p.length === 6 ? 'binding' : undefined;
  if (p[4] === 'Users' && p.length === 6) return 'user';
  if (p[4] === 'Users' && p[6] === 'Bindings') return p.length === 7 ? 'userBindingList' : p.length === 8 ? 'userBinding' : undefined;
  return undefined;
}
