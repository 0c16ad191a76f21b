import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/platform/logger.js';
import { redact, redactPath } from '../src/security/redact.js';
import { startTestApp } from './helpers/app.js';
import { captureLogger } from './helpers/capture-logger.js';

const SID = 'BS0123456789abcdef0123456789abcdef';
const TOKEN = '276863d2cec142a476b859e4373e80bf';
const APNS = '45625ab1c4cfd432f0e656b1415691310a6779a6be2f57a33aba191ab309bb4d';
const FCM = 'CCtZ1qcC32eSKblqFOc-iA:APA91budK-3aviKVtBHaB6OdMYdm5O7wV5RDxhRSY5WQ6_EjZyRqZPfR0OejD8LIMq';

function logged(fields: Record<string, unknown>, msg = 'm'): string {
  const lines: string[] = [];
  createLogger('debug', (line) => lines.push(line)).error(msg, fields);
  expect(lines).toHaveLength(1);
  return lines[0]!;
}

describe('log redaction', () => {
  it('masks credential and personal-data fields whatever they hold', () => {
    const line = logged({
      authorization: `Basic ${Buffer.from(`AC${'1'.repeat(32)}:${TOKEN}`).toString('base64')}`,
      authToken: TOKEN,
      secret: 'WVo_Gz91MUVDcVh_HW3fW1pdo1eiT6iD',
      endpoint: APNS,
      identity: 'alice',
      nested: { identities: ['bob', 'carol'] },
    });
    for (const clear of [TOKEN, 'WVo_Gz91MUVDcVh_HW3fW1pdo1eiT6iD', APNS, 'alice', 'bob', 'carol', 'Basic QU']) {
      expect(line).not.toContain(clear);
    }
    expect(JSON.parse(line)).toMatchObject({ authToken: '[redacted]', identity: '[redacted]', nested: { identities: '[redacted]' } });
  });

  it('masks secrets and personal data inside free text and errors, keeping SIDs and ids', () => {
    const error = new Error(
      `duplicate key value violates unique constraint "bindings_service_sid_identity_endpoint_binding_type_key" ` +
        `Key (service_sid, identity, endpoint, binding_type)=(IS1, zoe@example.com, ${APNS}, apn) already exists; ` +
        `token ${TOKEN} for ${SID}; fcm ${FCM}; header Basic QUN4eHg6eXl5; mail bob.smith@mail.example.org`,
    );
    const line = logged({ requestId: 'd2f1c0de-1111-4222-8333-444455556666', err: error });
    for (const clear of ['zoe@example.com', APNS, TOKEN, FCM, 'APA91b', 'QUN4eHg6eXl5', 'bob.smith@mail.example.org']) {
      expect(line).not.toContain(clear);
    }
    expect(line).toContain(SID);
    expect(line).toContain('d2f1c0de-1111-4222-8333-444455556666');
    expect(line).toContain('bindings_service_sid_identity_endpoint_binding_type_key');
    expect(JSON.parse(line).err.name).toBe('Error');
  });

  it('leaves ordinary values alone', () => {
    expect(redact({ status: 404, path: `/v2/Services/IS${'a'.repeat(32)}/Bindings`, ms: 3 })).toEqual({
      status: 404,
      path: `/v2/Services/IS${'a'.repeat(32)}/Bindings`,
      ms: 3,
    });
  });

  it('writes nothing below its level', () => {
    const lines: string[] = [];
    const log = createLogger('warn', (line) => lines.push(line));
    log.info('quiet');
    log.debug('quieter');
    log.warn('loud');
    expect(lines.map((l) => JSON.parse(l).msg)).toEqual(['loud']);
  });
});

describe('access log paths', () => {
  it('keep user SIDs but never identities', () => {
    const IS = `IS${'a'.repeat(32)}`;
    const US = `US${'b'.repeat(32)}`;
    expect(redactPath(`/v2/Services/${IS}/Users/${US}/Bindings`)).toBe(`/v2/Services/${IS}/Users/${US}/Bindings`);
    expect(redactPath(`/v2/Services/${IS}/Users/alice%40example.com/Bindings/BS1`)).toBe(`/v2/Services/${IS}/Users/[identity]/Bindings/BS1`);
    expect(redactPath(`/v2/Services/${IS}/Users/qa_user_00006`)).toBe(`/v2/Services/${IS}/Users/[identity]`);
  });

  it('are redacted in the access log whichever door, or none, the request reaches', async () => {
    const logger = captureLogger();
    const t = await startTestApp({ seed: 'access-log', logger });
    try {
      const service = t.scenario.a.services[0]!.sid;
      const paths = [`/v2/Services/${service}/Users/alice%40example.com/Bindings`, '/graphql/Users/alice%40example.com', '/Users/alice%40example.com'];
      for (const path of paths) await t.fetch(path, { headers: { authorization: t.scenario.a.authorization } });
      const logged = logger
        .at('info')
        .filter((e) => e.msg === 'request')
        .map((e) => e.fields.path);
      expect(logged).toEqual([`/v2/Services/${service}/Users/[identity]/Bindings`, '/graphql/Users/[identity]', '/Users/[identity]']);
    } finally {
      await t.close();
    }
  });
});
