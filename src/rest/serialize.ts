import type { Binding } from '../domain/bindings.js';
import type { Credential } from '../domain/credentials.js';
import type { Service } from '../domain/services.js';
import type { User } from '../domain/users.js';

/** Twilio's date format: UTC, whole seconds, literal Z (`2016-10-21T11:37:03Z`). */
export function twilioDate(date: Date): string {
  // 2016-10-21T11:37:03.000Z → 2016-10-21T11:37:03Z
  return `${date.toISOString().slice(0, 19)}Z`;
}

const segment = encodeURIComponent;

export function serviceUrl(origin: string, serviceSid: string): string {
  return `${origin}/v2/Services/${serviceSid}`;
}

export function userUrl(origin: string, serviceSid: string, userSidOrIdentity: string): string {
  return `${serviceUrl(origin, serviceSid)}/Users/${segment(userSidOrIdentity)}`;
}

// Key order below is the order of Twilio's own examples.

export function bindingBody(b: Binding, origin: string) {
  return {
    sid: b.sid,
    account_sid: b.accountSid,
    service_sid: b.serviceSid,
    date_created: twilioDate(b.dateCreated),
    date_updated: twilioDate(b.dateUpdated),
    endpoint: b.endpoint,
    identity: b.identity,
    binding_type: b.bindingType,
    credential_sid: b.credentialSid,
    message_types: b.messageTypes,
    url: `${serviceUrl(origin, b.serviceSid)}/Bindings/${b.sid}`,
    // Twilio links a binding's user by identity, not by US sid.
    links: { user: userUrl(origin, b.serviceSid, b.identity) },
  };
}

export function userBindingBody(b: Binding, origin: string) {
  return {
    sid: b.sid,
    account_sid: b.accountSid,
    service_sid: b.serviceSid,
    date_created: twilioDate(b.dateCreated),
    date_updated: twilioDate(b.dateUpdated),
    endpoint: b.endpoint,
    identity: b.identity,
    user_sid: b.userSid,
    binding_type: b.bindingType,
    credential_sid: b.credentialSid,
    message_types: b.messageTypes,
    url: `${userUrl(origin, b.serviceSid, b.userSid)}/Bindings/${b.sid}`,
  };
}

/**
 * The Chat Service resource, in the key order of Twilio's FetchService and
 * ListService examples (which is theirs, not the schema's). Settings this
 * gateway does not keep are null, or Chat's defaults where the schema requires
 * a value; `links` names only the lists this gateway serves.
 */
export function serviceBody(s: Service, origin: string) {
  const url = serviceUrl(origin, s.sid);
  return {
    account_sid: s.accountSid,
    consumption_report_interval: 10,
    date_created: twilioDate(s.dateCreated),
    date_updated: twilioDate(s.dateUpdated),
    default_channel_creator_role_sid: null,
    default_channel_role_sid: null,
    default_service_role_sid: null,
    friendly_name: s.friendlyName,
    limits: null,
    links: { users: `${url}/Users`, bindings: `${url}/Bindings` },
    notifications: null,
    post_webhook_url: null,
    pre_webhook_url: null,
    pre_webhook_retry_count: 0,
    post_webhook_retry_count: 0,
    reachability_enabled: null,
    read_status_enabled: null,
    sid: s.sid,
    typing_indicator_timeout: 5,
    url,
    webhook_filters: null,
    webhook_method: null,
    media: null,
  };
}

/**
 * The Chat User resource. Twilio's examples order it differently when read
 * (`ListUser`: `joined_channels_count` after the dates) and when fetched
 * (`FetchUser`: before them); each answer follows its own. What the gateway
 * does not keep (attributes, role, reachability) is null, and
 * `joined_channels_count` 0 (the schema requires a value); `links` names only
 * the user's bindings.
 */
export function userBody(u: User, accountSid: string, origin: string, operation: 'list' | 'fetch') {
  const url = userUrl(origin, u.serviceSid, u.sid);
  const head = {
    sid: u.sid,
    account_sid: accountSid,
    service_sid: u.serviceSid,
    role_sid: null,
    identity: u.identity,
    attributes: null,
    is_online: null,
    is_notifiable: null,
    friendly_name: u.friendlyName,
  };
  const dates = { date_created: twilioDate(u.dateCreated), date_updated: twilioDate(u.dateUpdated) };
  const tail = { links: { user_bindings: `${url}/Bindings` }, url };
  return operation === 'list' ? { ...head, ...dates, joined_channels_count: 0, ...tail } : { ...head, joined_channels_count: 0, ...dates, ...tail };
}

export function credentialUrl(origin: string, credentialSid: string): string {
  return `${origin}/v2/Credentials/${credentialSid}`;
}

/** Our binding types are Twilio's push services, value for value (`credential_enum_push_service`). */
const PUSH_SERVICE = { apn: 'apn', gcm: 'gcm', fcm: 'fcm' } as const satisfies Record<Credential['type'], 'gcm' | 'apn' | 'fcm'>;

/**
 * The Chat Credential resource. No secret is stored, and Twilio returns none
 * either (certificate, private key, API key and secret are write-only).
 * `sandbox` is a string in Twilio's schema and examples (`"False"`).
 */
export function credentialBody(c: Credential, origin: string) {
  return {
    sid: c.sid,
    account_sid: c.accountSid,
    friendly_name: c.friendlyName,
    type: PUSH_SERVICE[c.type],
    sandbox: c.sandbox ? 'True' : 'False',
    date_created: twilioDate(c.dateCreated),
    date_updated: twilioDate(c.dateUpdated),
    url: credentialUrl(origin, c.sid),
  };
}
