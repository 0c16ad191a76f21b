/**
 * The schema checker itself (test/helpers/openapi.ts): Twilio's own examples
 * from the OpenAPI excerpt pass it, and bodies that break the contract do not.
 * No database or server involved.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type BodyKind, expectValid, kindOfPath, OPENAPI_PATH } from '../helpers/openapi.js';

const spec = JSON.parse(readFileSync(OPENAPI_PATH, 'utf8')) as { paths: Record<string, Record<string, any>> };

function example(path: string, name: string): any {
  const value = spec.paths[path]!.get.responses['200'].content['application/json'].examples[name].value;
  return structuredClone(value);
}

const BINDINGS = '/v2/Services/{ServiceSid}/Bindings';
const BINDING = '/v2/Services/{ServiceSid}/Bindings/{Sid}';
const USER_BINDINGS = '/v2/Services/{ServiceSid}/Users/{UserSid}/Bindings';
const USER_BINDING = '/v2/Services/{ServiceSid}/Users/{UserSid}/Bindings/{Sid}';

const service = () => ({
  sid: `IS${'a'.repeat(32)}`,
  account_sid: `AC${'a'.repeat(32)}`,
  friendly_name: 'friendly_name',
  date_created: '2015-07-30T20:00:00Z',
  date_updated: '2015-07-30T20:00:00Z',
  default_service_role_sid: `RL${'a'.repeat(32)}`,
  default_channel_role_sid: null,
  default_channel_creator_role_sid: null,
  read_status_enabled: false,
  reachability_enabled: false,
  typing_indicator_timeout: 100,
  consumption_report_interval: 100,
  limits: { channel_members: 500, user_channels: 600 },
  pre_webhook_url: null,
  post_webhook_url: null,
  webhook_method: null,
  webhook_filters: [],
  pre_webhook_retry_count: 2,
  post_webhook_retry_count: 3,
  notifications: {},
  media: { size_limit_mb: 150, compatibility_message: 'media compatibility message' },
  url: `https://chat.twilio.com/v2/Services/IS${'a'.repeat(32)}`,
  links: { bindings: `https://chat.twilio.com/v2/Services/IS${'a'.repeat(32)}/Bindings` },
});

const user = () => ({
  sid: `US${'a'.repeat(32)}`,
  account_sid: `AC${'a'.repeat(32)}`,
  service_sid: `IS${'a'.repeat(32)}`,
  attributes: '{}',
  friendly_name: null,
  role_sid: null,
  identity: 'jing',
  is_online: null,
  is_notifiable: null,
  date_created: '2016-03-24T21:05:19Z',
  date_updated: '2016-03-24T21:05:19Z',
  joined_channels_count: 0,
  links: { user_bindings: `https://chat.twilio.com/v2/Services/IS${'a'.repeat(32)}/Users/US${'a'.repeat(32)}/Bindings` },
  url: `https://chat.twilio.com/v2/Services/IS${'a'.repeat(32)}/Users/US${'a'.repeat(32)}`,
});

describe('Twilio’s own examples pass', () => {
  it.each([
    ['bindingList', BINDINGS, 'readFull'],
    ['bindingList', BINDINGS, 'readEmpty'],
    ['binding', BINDING, 'fetch'],
    ['userBindingList', USER_BINDINGS, 'readFull'],
    ['userBindingList', USER_BINDINGS, 'readEmpty'],
    ['userBinding', USER_BINDING, 'fetch'],
  ] as Array<[BodyKind, string, string]>)('%s (%s %s)', (kind, path, name) => {
    expectValid(kind, example(path, name));
  });

  it('service and user bodies with every property', () => {
    expectValid('service', service());
    expectValid('user', user());
    expectValid('service', { ...service(), limits: null, notifications: null, media: null, links: null, url: null });
  });
});

describe('contract breaches fail', () => {
  const binding = () => example(BINDING, 'fetch');
  const userBinding = () => example(USER_BINDING, 'fetch');
  const bindingList = () => example(BINDINGS, 'readFull');
  const without = (o: Record<string, unknown>, key: string) => Object.fromEntries(Object.entries(o).filter(([k]) => k !== key));

  it.each<[string, BodyKind, () => unknown]>([
    ['a missing property', 'binding', () => without(binding(), 'credential_sid')],
    ['a missing links', 'binding', () => without(binding(), 'links')],
    ['an extra property', 'binding', () => ({ ...binding(), extra: 1 })],
    [
      'schema key order (credential_sid first)',
      'binding',
      () => {
        const { binding_type, credential_sid, message_types, url, links, ...rest } = binding();
        return { ...rest, credential_sid, binding_type, message_types, url, links };
      },
    ],
    ['milliseconds in a date', 'binding', () => ({ ...binding(), date_created: '2016-10-21T11:37:03.000Z' })],
    ['an offset in a date', 'binding', () => ({ ...binding(), date_updated: '2016-10-21T11:37:03+00:00' })],
    ['an unknown binding_type', 'binding', () => ({ ...binding(), binding_type: 'sms' })],
    ['a null binding_type', 'binding', () => ({ ...binding(), binding_type: null })],
    ['a bad sid', 'binding', () => ({ ...binding(), sid: 'BS123' })],
    ['links with a second key', 'binding', () => ({ ...binding(), links: { ...binding().links, bindings: 'https://x.example/y' } })],
    ['a relative link', 'binding', () => ({ ...binding(), links: { user: '/v2/Services/IS/Users/x' } })],
    ['message_types not an array', 'binding', () => ({ ...binding(), message_types: 'new_message' })],
    ['links on a user binding', 'userBinding', () => ({ ...userBinding(), links: {} })],
    ['a user binding without user_sid', 'userBinding', () => without(userBinding(), 'user_sid')],
    ['a binding body as a user binding', 'userBinding', () => binding()],
    ['meta without key', 'bindingList', () => ({ ...bindingList(), meta: without(bindingList().meta, 'key') })],
    [
      'meta in another order',
      'bindingList',
      () => {
        const { key, ...meta } = bindingList().meta;
        return { meta: { key, ...meta }, bindings: bindingList().bindings };
      },
    ],
    ['a relative next_page_url', 'bindingList', () => ({ ...bindingList(), meta: { ...bindingList().meta, next_page_url: '/v2/x?Page=1' } })],
    ['an invalid item', 'bindingList', () => ({ ...bindingList(), bindings: [without(binding(), 'url')] })],
    ['bindings before meta', 'bindingList', () => ({ bindings: [], meta: bindingList().meta })],
    ['a service without media', 'service', () => without(service(), 'media')],
    ['a user without url', 'user', () => without(user(), 'url')],
    ['a user with a non-boolean is_online', 'user', () => ({ ...user(), is_online: 'yes' })],
  ])('%s', (_name, kind, body) => {
    expect(() => expectValid(kind, body())).toThrow();
  });
});

describe('kindOfPath', () => {
  it('names the body of each GET route', () => {
    const IS = `IS${'0'.repeat(32)}`;
    const BS = `BS${'0'.repeat(32)}`;
    expect(kindOfPath(`/v2/Services/${IS}`)).toBe('service');
    expect(kindOfPath(`/v2/Services/${IS}/Bindings`)).toBe('bindingList');
    expect(kindOfPath(`/v2/Services/${IS}/Bindings/${BS}`)).toBe('binding');
    expect(kindOfPath(`/v2/Services/${IS}/Users/a@b`)).toBe('user');
    expect(kindOfPath(`/v2/Services/${IS}/Users/a@b/Bindings`)).toBe('userBindingList');
    expect(kindOfPath(`/v2/Services/${IS}/Users/a@b/Bindings/${BS}`)).toBe('userBinding');
    expect(kindOfPath(`/v2/Services/${IS}/Users`)).toBeUndefined();
    expect(kindOfPath('/v2/Foo')).toBeUndefined();
  });
});
