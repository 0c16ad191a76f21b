/**
 * The schema checker itself (test/helpers/openapi.ts): Twilio's own examples
 * from both OpenAPI excerpts pass it, and bodies that break the contract do not.
 * No database or server involved.
 */
import { describe, expect, it } from 'vitest';
import { type BodyKind, type Excerpt, exampleOf, excerpt, expectValid, KEY_ORDER, kindOfPath, META_KEYS, type Operation } from '../helpers/openapi.js';

const BINDINGS = '/v2/Services/{ServiceSid}/Bindings';
const BINDING = '/v2/Services/{ServiceSid}/Bindings/{Sid}';
const USER_BINDINGS = '/v2/Services/{ServiceSid}/Users/{UserSid}/Bindings';
const USER_BINDING = '/v2/Services/{ServiceSid}/Users/{UserSid}/Bindings/{Sid}';
const SERVICES = '/v2/Services';
const SERVICE = '/v2/Services/{Sid}';
const USERS = '/v2/Services/{ServiceSid}/Users';
const USER = '/v2/Services/{ServiceSid}/Users/{Sid}';
const CREDENTIALS = '/v2/Credentials';
const CREDENTIAL = '/v2/Credentials/{Sid}';

const example = (path: string, name: string, from: Excerpt = 'bindings') => exampleOf(from, path, name);
const service = () => example(SERVICE, 'fetch', 'read');
const user = () => example(USER, 'fetch', 'read');
const credential = () => example(CREDENTIAL, 'fetch', 'read');

/** A list example written the gateway's way: `meta` first, in the common order. */
function envelopeInOrder(body: Record<string, any>, key: string) {
  return { meta: Object.fromEntries(META_KEYS.map((k) => [k, body.meta[k]])), [key]: body[key] };
}

describe('Twilio’s own examples pass', () => {
  it.each([
    ['bindingList', BINDINGS, 'readFull'],
    ['bindingList', BINDINGS, 'readEmpty'],
    ['binding', BINDING, 'fetch'],
    ['userBindingList', USER_BINDINGS, 'readFull'],
    ['userBindingList', USER_BINDINGS, 'readEmpty'],
    ['userBinding', USER_BINDING, 'fetch'],
  ] as Array<[BodyKind, string, string]>)('%s (%s %s), against both excerpts', (kind, path, name) => {
    expectValid(kind, example(path, name));
    expectValid(kind, example(path, name, 'read'), { excerpt: 'read' });
  });

  it.each([
    ['service', SERVICE, 'fetch'],
    ['user', USER, 'fetch'],
    ['userList', USERS, 'readFull'],
    ['userList', USERS, 'readEmpty'],
    ['credential', CREDENTIAL, 'fetch'],
  ] as Array<[BodyKind, string, string]>)('%s (%s %s)', (kind, path, name) => {
    expectValid(kind, example(path, name, 'read'));
  });

  it('the read excerpt describes the Binding paths exactly as the Binding excerpt', () => {
    const read = excerpt('read');
    const bindings = excerpt('bindings');
    for (const path of Object.keys(bindings.paths)) expect(read.paths[path], path).toEqual(bindings.paths[path]);
    for (const [name, schema] of Object.entries(bindings.components.schemas)) expect(read.components.schemas[name], name).toEqual(schema);
  });

  it('ListService and ListCredential examples: only their envelope order differs from the one the gateway writes', () => {
    for (const [kind, path, key] of [
      ['serviceList', SERVICES, 'services'],
      ['credentialList', CREDENTIALS, 'credentials'],
    ] as const) {
      for (const name of ['readFull', 'readEmpty']) {
        const body = example(path, name, 'read');
        expect(() => expectValid(kind, body), `${path} ${name} as written`).toThrow(/envelope keys|meta key order/);
        expectValid(kind, envelopeInOrder(body, key));
      }
    }
  });

  it('service and user bodies with every nullable property null', () => {
    expectValid('service', { ...service(), limits: null, notifications: null, media: null, links: null, url: null });
    expectValid('user', { ...user(), attributes: null, role_sid: null, is_online: null, is_notifiable: null, links: null });
    expectValid('credential', { ...credential(), friendly_name: null, sandbox: null });
  });

  it('key orders come from the examples: users differ between read and fetch, services and credentials do not', () => {
    expect(KEY_ORDER.user.list).not.toEqual(KEY_ORDER.user.fetch);
    expect([...KEY_ORDER.user.list].sort()).toEqual([...KEY_ORDER.user.fetch].sort());
    expect(KEY_ORDER.service.list).toEqual(KEY_ORDER.service.fetch);
    expect(KEY_ORDER.credential.list).toEqual(KEY_ORDER.credential.fetch);
    expect(KEY_ORDER.credential.fetch).toEqual(['sid', 'account_sid', 'friendly_name', 'type', 'sandbox', 'date_created', 'date_updated', 'url']);
  });
});

describe('contract breaches fail', () => {
  const binding = () => example(BINDING, 'fetch');
  const userBinding = () => example(USER_BINDING, 'fetch');
  const bindingList = () => example(BINDINGS, 'readFull');
  const without = (o: Record<string, unknown>, key: string) => Object.fromEntries(Object.entries(o).filter(([k]) => k !== key));
  const reorder = (o: Record<string, unknown>, keys: readonly string[]) => Object.fromEntries(keys.map((k) => [k, o[k]]));
  const schemaOrder = (name: string) => Object.keys(excerpt('read').components.schemas[name]!.properties as object);
  const credentialList = () => envelopeInOrder(example(CREDENTIALS, 'readFull', 'read'), 'credentials');
  const userList = () => example(USERS, 'readFull', 'read');
  const asListed = (kind: 'user', body: Record<string, unknown>, operation: Operation) => reorder(body, KEY_ORDER[kind][operation]);

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
    ['a service in the schema’s key order', 'service', () => reorder(service(), schemaOrder('chat.v2.service'))],
    ['a service link Twilio does not name', 'service', () => ({ ...service(), links: { users: 'https://x.example/u', chats: 'https://x.example/c' } })],
    ['service links out of the example’s order', 'service', () => ({ ...service(), links: { bindings: 'https://x.example/b', users: 'https://x.example/u' } })],
    ['a credential body as a service', 'service', () => credential()],
    ['a fetched user in the order of a listed one', 'user', () => asListed('user', user(), 'list')],
    ['a listed user in the order of a fetched one', 'userList', () => ({ ...userList(), users: [asListed('user', userList().users[0], 'fetch')] })],
    ['users before meta', 'userList', () => ({ users: [], meta: userList().meta })],
    ['a user link Twilio does not name', 'user', () => ({ ...user(), links: { bindings: 'https://x.example/b' } })],
    ['a boolean sandbox', 'credential', () => ({ ...credential(), sandbox: false })],
    ['an unknown credential type', 'credential', () => ({ ...credential(), type: 'sms' })],
    ['a null credential type', 'credential', () => ({ ...credential(), type: null })],
    ['a credential with a secret', 'credential', () => ({ ...credential(), secret: 'x' })],
    ['a credential with a certificate', 'credential', () => ({ ...credential(), certificate: 'x' })],
    ['a credential without url', 'credential', () => without(credential(), 'url')],
    ['a relative credential url', 'credential', () => ({ ...credential(), url: '/v2/Credentials/CR' })],
    ['a credential sid of another kind', 'credential', () => ({ ...credential(), sid: `IS${'a'.repeat(32)}` })],
    ['a credential in another order', 'credential', () => reorder(credential(), [...KEY_ORDER.credential.fetch].reverse())],
    ['credentials under another key', 'credentialList', () => ({ meta: credentialList().meta, services: credentialList().credentials })],
    ['meta.key naming another list', 'credentialList', () => ({ ...credentialList(), meta: { ...credentialList().meta, key: 'services' } })],
    ['an invalid credential item', 'credentialList', () => ({ ...credentialList(), credentials: [without(credential(), 'sandbox')] })],
    [
      'a service list with an invalid item',
      'serviceList',
      () => ({ ...envelopeInOrder(example(SERVICES, 'readFull', 'read'), 'services'), services: [without(service(), 'sid')] }),
    ],
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
    expect(kindOfPath(`/v2/Services/${IS}/Users`)).toBe('userList');
    expect(kindOfPath('/v2/Services')).toBe('serviceList');
    expect(kindOfPath('/v2/Credentials')).toBe('credentialList');
    expect(kindOfPath(`/v2/Credentials/CR${'0'.repeat(32)}`)).toBe('credential');
    expect(kindOfPath('/v2/Services/')).toBeUndefined();
    expect(kindOfPath('/v2/Credentials/')).toBeUndefined();
    expect(kindOfPath(`/v2/Services/${IS}/Channels`)).toBeUndefined();
    expect(kindOfPath('/v2/Foo')).toBeUndefined();
  });
});
