/**
 * Validates REST bodies against Twilio's own OpenAPI excerpts, vendored
 * unchanged from twilio/twilio-oai (see test/fixtures/twilio/README.md):
 * `chat_v2_bindings.openapi.json` (the Binding paths) and
 * `chat_v2_read.openapi.json` (the read endpoints of Services, Users,
 * Credentials and Bindings). Each body kind is checked against the excerpt
 * that describes its path, tightened to the wire contract of BINDINGS_API.md:
 *
 * - every property of a schema must be present (`required` = all of them; null
 *   where there is no value) and no other property may appear;
 * - dates are `YYYY-MM-DDTHH:mm:ssZ` (UTC, whole seconds, literal Z);
 * - `format: uri-map` objects (`links`) hold absolute URIs only, and only
 *   names Twilio's example of the resource has, in its order (a binding's
 *   exactly its `user`);
 * - key order: every resource in the order of Twilio's example of the same
 *   operation (the list examples' items for list items, the fetch example for
 *   a fetched body); every list envelope `meta` then the items, `meta` in the
 *   order of the Binding, User and Credential examples.
 *
 * The ListService example writes `meta` alphabetically and the ListCredential
 * example puts `credentials` before `meta`; the gateway writes every list
 * envelope alike, so those two examples fail the order check (and only it:
 * test/rest/openapi.test.ts shows both).
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

export const OPENAPI_PATHS = {
  bindings: new URL('../fixtures/twilio/chat_v2_bindings.openapi.json', import.meta.url),
  read: new URL('../fixtures/twilio/chat_v2_read.openapi.json', import.meta.url),
} as const;
export type Excerpt = keyof typeof OPENAPI_PATHS;
/** The Binding excerpt. */
export const OPENAPI_PATH = OPENAPI_PATHS.bindings;

export type ResourceKind = 'binding' | 'userBinding' | 'service' | 'user' | 'credential';
export type ListKind = 'bindingList' | 'userBindingList' | 'serviceList' | 'userList' | 'credentialList';
export type BodyKind = ResourceKind | ListKind;

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

interface Spec {
  components: { schemas: Record<string, JsonObject> };
  paths: Record<string, Record<string, any>>;
}

const specs: Record<Excerpt, Spec> = {
  bindings: JSON.parse(readFileSync(OPENAPI_PATHS.bindings, 'utf8')) as Spec,
  read: JSON.parse(readFileSync(OPENAPI_PATHS.read, 'utf8')) as Spec,
};

/** The parsed excerpt (a fresh copy), e.g. to read its examples. */
export function excerpt(name: Excerpt): Spec {
  return structuredClone(specs[name]);
}

/** The `name` example of a path's GET 200 response in an excerpt (a fresh copy). */
export function exampleOf(name: Excerpt, path: string, example: string): any {
  const value = specs[name].paths[path]?.get?.responses?.['200']?.content?.['application/json']?.examples?.[example]?.value;
  if (value === undefined) throw new Error(`no example ${example} of GET ${path} in ${OPENAPI_PATHS[name].pathname}`);
  return structuredClone(value);
}

function listResponseSchema(name: Excerpt, path: string): JsonObject {
  const schema = specs[name].paths[path]?.get?.responses?.['200']?.content?.['application/json']?.schema;
  if (!schema) throw new Error(`no 200 list schema for ${path} in ${OPENAPI_PATHS[name].pathname}`);
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

const RESOURCE_SCHEMA: Record<ResourceKind, string> = {
  binding: 'chat.v2.service.binding',
  userBinding: 'chat.v2.service.user.user_binding',
  service: 'chat.v2.service',
  user: 'chat.v2.service.user',
  credential: 'chat.v2.credential',
};

interface ListSpec {
  /** The list's path in the excerpts. */
  path: string;
  /** The envelope key of its items. */
  key: string;
  item: ResourceKind;
  /** The operation's examples: items in readFull give list items' key order. */
  example: Excerpt;
}

const LISTS: Record<ListKind, ListSpec> = {
  bindingList: { path: '/v2/Services/{ServiceSid}/Bindings', key: 'bindings', item: 'binding', example: 'bindings' },
  userBindingList: { path: '/v2/Services/{ServiceSid}/Users/{UserSid}/Bindings', key: 'bindings', item: 'userBinding', example: 'bindings' },
  serviceList: { path: '/v2/Services', key: 'services', item: 'service', example: 'read' },
  userList: { path: '/v2/Services/{ServiceSid}/Users', key: 'users', item: 'user', example: 'read' },
  credentialList: { path: '/v2/Credentials', key: 'credentials', item: 'credential', example: 'read' },
};

/** The fetch paths of the resources in the read excerpt, whose `fetch` examples give a fetched body's key order. */
const FETCH_PATHS: Partial<Record<ResourceKind, string>> = {
  service: '/v2/Services/{Sid}',
  user: '/v2/Services/{ServiceSid}/Users/{Sid}',
  credential: '/v2/Credentials/{Sid}',
};

/** The excerpt each kind is validated against by default: the one describing its path. */
export const EXCERPT_OF: Record<BodyKind, Excerpt> = {
  binding: 'bindings',
  userBinding: 'bindings',
  bindingList: 'bindings',
  userBindingList: 'bindings',
  service: 'read',
  user: 'read',
  credential: 'read',
  serviceList: 'read',
  userList: 'read',
  credentialList: 'read',
};

/** How a resource is answered: fetched on its own, or as an item of a list. */
export type Operation = 'fetch' | 'list';

/** Key order of a resource body per operation, as Twilio's examples write it. */
export const KEY_ORDER: Record<ResourceKind, Record<Operation, readonly string[]>> = {
  binding: { fetch: BINDING_KEYS, list: BINDING_KEYS },
  userBinding: { fetch: USER_BINDING_KEYS, list: USER_BINDING_KEYS },
  service: exampleOrders('service'),
  user: exampleOrders('user'),
  credential: exampleOrders('credential'),
};

/** The link names of each resource's example (a body may name fewer, in the same order; a binding exactly its one). */
const LINK_NAMES: Partial<Record<ResourceKind, readonly string[]>> = {
  binding: ['user'],
  service: Object.keys(exampleOf('read', FETCH_PATHS.service!, 'fetch').links),
  user: Object.keys(exampleOf('read', FETCH_PATHS.user!, 'fetch').links),
};

function exampleOrders(kind: 'service' | 'user' | 'credential'): Record<Operation, readonly string[]> {
  const list = Object.values(LISTS).find((l) => l.item === kind)!;
  const item = exampleOf('read', list.path, 'readFull')[list.key][0] as Record<string, unknown>;
  return { fetch: Object.keys(exampleOf('read', FETCH_PATHS[kind]!, 'fetch')), list: Object.keys(item) };
}

const ajv = new Ajv({ allErrors: true, strict: true });
// ajv-formats is CommonJS with `exports.default`; under Node's ESM interop the default import is the module object.
const addFormats = ((addFormatsModule as any).default ?? addFormatsModule) as typeof addFormatsModule.default;
addFormats(ajv, ['date-time', 'uri']);

const schemaId = (name: Excerpt) => `https://chat.twilio.com/openapi/chat_v2_${name}.json`;
const listDef = (kind: ListKind) => `${kind}Response`;
for (const name of Object.keys(specs) as Excerpt[]) {
  const spec = specs[name];
  const defs: Record<string, Json> = Object.fromEntries(Object.entries(spec.components.schemas).map(([n, schema]) => [n, toJsonSchema(schema)]));
  for (const [kind, list] of Object.entries(LISTS) as Array<[ListKind, ListSpec]>) {
    if (spec.paths[list.path]) defs[listDef(kind)] = toJsonSchema(listResponseSchema(name, list.path));
  }
  ajv.addSchema({ $id: schemaId(name), $defs: defs });
}

const validators = new Map<string, ValidateFunction>();
function validatorFor(kind: BodyKind, name: Excerpt): ValidateFunction {
  const ref = `${schemaId(name)}#/$defs/${kind in LISTS ? listDef(kind as ListKind) : RESOURCE_SCHEMA[kind as ResourceKind]}`;
  let validate = validators.get(ref);
  if (!validate) {
    validate = ajv.getSchema(ref);
    if (!validate) throw new Error(`no schema for ${kind} in the ${name} excerpt`);
    validators.set(ref, validate);
  }
  return validate;
}

function describe(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`).join('\n');
}

/** Whether `names` appear in `allowed` in the same order (possibly with gaps). */
function isSubsequence(names: readonly string[], allowed: readonly string[]): boolean {
  let at = 0;
  for (const name of names) {
    at = allowed.indexOf(name, at);
    if (at < 0) return false;
    at++;
  }
  return true;
}

/**
 * Fails the test unless `body` is a valid `kind` body: the excerpt's schema
 * plus the contract (every property, no other, dates, links, key order). A
 * resource kind is checked as fetched; list kinds check their items as listed.
 * `options.excerpt` validates against the other excerpt (both describe the
 * Binding paths alike).
 */
export function expectValid(kind: BodyKind, body: unknown, options: { excerpt?: Excerpt; operation?: Operation } = {}): void {
  const name = options.excerpt ?? EXCERPT_OF[kind];
  const validate = validatorFor(kind, name);
  if (!validate(body)) {
    throw new Error(`invalid ${kind} body (${name} excerpt):\n${describe(validate.errors)}\nbody: ${JSON.stringify(body)}`);
  }
  const record = body as Record<string, any>;
  if (kind in LISTS) {
    const list = LISTS[kind as ListKind];
    expect(Object.keys(record), `${kind} envelope keys`).toEqual(['meta', list.key]);
    expect(Object.keys(record.meta), `${kind} meta key order`).toEqual(META_KEYS);
    expect(record.meta.key, `${kind} meta.key`).toBe(list.key);
    for (const item of record[list.key] as unknown[]) expectValid(list.item, item, { excerpt: name, operation: 'list' });
    return;
  }
  const resource = kind as ResourceKind;
  expect(Object.keys(record), `${resource} key order (${options.operation ?? 'fetch'})`).toEqual(KEY_ORDER[resource][options.operation ?? 'fetch']);
  const links = LINK_NAMES[resource];
  if (resource === 'binding') expect(Object.keys(record.links ?? {}), 'binding links').toEqual(['user']);
  else if (links && record.links !== null) {
    const names = Object.keys(record.links ?? {});
    expect(isSubsequence(names, links), `${resource} links ${JSON.stringify(names)}: only names of ${JSON.stringify(links)}, in that order`).toBe(true);
  }
}

/** The kind of body a successful GET answers with, from its path; undefined for other paths. */
export function kindOfPath(pathname: string): BodyKind | undefined {
  const p = pathname.split('/');
  // ['', 'v2', 'Services', IS, ...]
  if (p[1] !== 'v2') return undefined;
  if (p[2] === 'Credentials') return p.length === 3 ? 'credentialList' : p.length === 4 && p[3] ? 'credential' : undefined;
  if (p[2] !== 'Services') return undefined;
  if (p.length === 3) return 'serviceList';
  if (!p[3]) return undefined;
  if (p.length === 4) return 'service';
  if (p[4] === 'Bindings') return p.length === 5 ? 'bindingList' : p.length === 6 ? 'binding' : undefined;
  if (p[4] === 'Users' && p.length === 5) return 'userList';
  if (p[4] === 'Users' && p.length === 6) return 'user';
  if (p[4] === 'Users' && p[6] === 'Bindings') return p.length === 7 ? 'userBindingList' : p.length === 8 ? 'userBinding' : undefined;
  return undefined;
}
