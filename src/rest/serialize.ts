import type { Binding } from '../domain/bindings.js';
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
 * The Chat Service resource. Settings this gateway does not keep are null, or
 * Chat's defaults where the schema requires a value; `links` names only the
 * lists this gateway serves.
 */
export function serviceBody(s: Service, origin: string) {
  const url = serviceUrl(origin, s.sid);
  return {
    sid: s.sid,
    account_sid: s.accountSid,
    friendly_name: s.friendlyName,
    date_created: twilioDate(s.dateCreated),
    date_updated: twilioDate(s.dateUpdated),
    default_service_role_sid: null,
    default_channel_role_sid: null,
    default_channel_creator_role_sid: null,
    read_status_enabled: null,
    reachability_enabled: null,
    typing_indicator_timeout: 5,
    consumption_report_interval: 10,
    limits: null,
    pre_webhook_url: null,
    post_webhook_url: null,
    webhook_method: null,
    webhook_filters: null,
    pre_webhook_retry_count: 0,
    post_webhook_retry_count: 0,
    notifications: null,
    media: null,
    url,
    links: { users: `${url}/Users`, bindings: `${url}/Bindings` },
  };
}

export function userBody(u: User, accountSid: string, origin: string) {
  const url = userUrl(origin, u.serviceSid, u.sid);
  return {
    sid: u.sid,
    account_sid: accountSid,
    service_sid: u.serviceSid,
    attributes: null,
    friendly_name: u.friendlyName,
    role_sid: null,
    identity: u.identity,
    is_online: null,
    is_notifiable: null,
    date_created: twilioDate(u.dateCreated),
    date_updated: twilioDate(u.dateUpdated),
    joined_channels_count: 0,
    links: { user_bindings: `${url}/Bindings` },
    url,
  };
}
