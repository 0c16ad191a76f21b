import { type Binding, type BindingType, Prisma } from '../generated/prisma/client.js';
import { BINDING_TYPES } from './bindings.js';
import type { Caller } from './caller.js';
import type { DataContext } from './data-context.js';
import { BadInputError, ForbiddenError, NotFoundError } from './errors.js';
import { isSid, newSid } from './sids.js';
import { projection } from './tables.js';

/**
 * The Programmable Chat push types a binding can subscribe to (Twilio's push
 * notification configuration: new messages, and being added to, invited to or
 * removed from a channel).
 */
export const MESSAGE_TYPES: readonly string[] = ['new_message', 'added_to_channel', 'invited_to_channel', 'removed_from_channel'];

/** The longest identity a registration accepts, in characters (code points). */
export const MAX_IDENTITY_LENGTH = 256;
/** The longest endpoint a registration accepts, in UTF-8 bytes (with the identity, well within a btree index entry). */
export const MAX_ENDPOINT_BYTES = 512;

/** What a device registers: the fields of GraphQL's `RegisterBindingInput` (error paths are named after them). */
export interface RegistrationInput {
  serviceSid: string;
  identity: string;
  bindingType: BindingType;
  endpoint: string;
  credentialSid: string;
  messageTypes: readonly string[];
}

/** Who registers, through which front door: recorded with every registration. */
export interface RegistrationActor {
  caller: Caller;
  frontDoor: 'graphql' | 'rest';
  requestId?: string | undefined;
}

export interface Registration {
  /** The binding as written. */
  binding: Binding;
  /** True when the registration added the binding, false when it updated the device's existing one. */
  created: boolean;
}

/** C0 and C1 controls (NUL, newlines, DEL, …) and unpaired surrogates (text that is not Unicode). */
const CONTROL = /[\p{Cc}\p{Cs}]/u;
/** In an endpoint also whitespace, invisible format characters and private-use ones: a device token or id is visible text. */
const NOT_ENDPOINT = /[\s\p{Z}\p{Cc}\p{Cf}\p{Cs}\p{Co}]/u;
/** The REST shim reads a `/Users/{…}` segment of this form as a user SID, so such an identity could not be looked up. */
const USER_SID_FORM = /^US[0-9a-f]{32}$/;

/** Attempts of the registration statement; a retry is needed only when a concurrent registration created the user. */
const ATTEMPTS = 3;

const COLUMNS = projection('bindings', 't');
/** Timestamps are stored in UTC (`timestamp(3)` without a zone), whatever the session's time zone. */
const NOW = Prisma.raw("(now() AT TIME ZONE 'UTC')");

const invalid = (field: string, problem: string) => new BadInputError(`input.${field} ${problem}`, `input.${field}`);

/** BadInputError, naming the input field, for the first field of `input` that a registration refuses; nothing is read. */
export function checkRegistration(input: RegistrationInput): void {
  if (!isSid(input.serviceSid, 'IS')) throw invalid('serviceSid', 'is not a service SID: expected IS followed by 32 lower-case hex digits');

  const { identity } = input;
  if (identity.trim() === '') throw invalid('identity', 'must not be empty or only whitespace');
  if ([...identity].length > MAX_IDENTITY_LENGTH) throw invalid('identity', `must not be longer than ${MAX_IDENTITY_LENGTH} characters`);
  if (CONTROL.test(identity)) throw invalid('identity', 'must not contain control characters (NUL, newlines, …) or unpaired surrogates');
  if (USER_SID_FORM.test(identity)) throw invalid('identity', 'must not have the form of a user SID (US followed by 32 hex digits)');

  if (!BINDING_TYPES.includes(input.bindingType)) throw invalid('bindingType', `must be one of ${BINDING_TYPES.join(', ')}`);

  const { endpoint } = input;
  if (endpoint === '') throw invalid('endpoint', 'must not be empty');
  if (Buffer.byteLength(endpoint, 'utf8') > MAX_ENDPOINT_BYTES) throw invalid('endpoint', `must not be longer than ${MAX_ENDPOINT_BYTES} bytes (UTF-8)`);
  if (NOT_ENDPOINT.test(endpoint)) throw invalid('endpoint', 'must not contain whitespace, control, format or private-use characters');

  if (!isSid(input.credentialSid, 'CR')) throw invalid('credentialSid', 'is not a credential SID: expected CR followed by 32 lower-case hex digits');

  const seen = new Set<string>();
  for (const [i, type] of input.messageTypes.entries()) {
    if (!MESSAGE_TYPES.includes(type)) throw invalid(`messageTypes[${i}]`, `is not a Chat message type: expected one of ${MESSAGE_TYPES.join(', ')}`);
    if (seen.has(type)) throw invalid(`messageTypes[${i}]`, `repeats ${type}`);
    seen.add(type);
  }
}

/**
 * Registers a device: the binding of (service, identity, endpoint, binding
 * type), Twilio's uniqueness, is added, or updated (credential, message types,
 * dateUpdated; it keeps its sid) when the device registered before. The
 * service's user of that identity is created with the first registration.
 *
 * One statement does it all: it finds the caller's service and credential,
 * adds the user (ON CONFLICT DO NOTHING) and upserts the binding (ON CONFLICT
 * DO UPDATE) only when both are there and the credential is of the binding's
 * type, and writes the audit row, so neither the binding nor its audit row
 * exists without the other. Concurrent registrations of one device leave one
 * row: the first inserts it, the others update it. The only retry: when a
 * concurrent registration created the user after this statement's snapshot,
 * the statement sees no user and writes nothing, and runs again.
 *
 * ForbiddenError, before anything is read, for a read-only credential;
 * BadInputError for a refused field (checkRegistration) or a credential of
 * another type; NotFoundError for a service or credential that is not the
 * caller's (another account's looks exactly like one that does not exist).
 */
export async function registerBinding(data: DataContext, actor: RegistrationActor, input: RegistrationInput): Promise<Registration> {
  const { caller } = actor;
  if (caller.scope !== 'read-write') throw new ForbiddenError('This credential is read-only: it cannot register bindings');
  checkRegistration(input);
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const outcome = await upsert(data, actor, input);
    if (!outcome.serviceFound) throw new NotFoundError(`Service ${input.serviceSid} was not found`);
    if (outcome.credentialType === null) throw new NotFoundError(`Credential ${input.credentialSid} was not found`);
    if (outcome.credentialType !== input.bindingType) {
      throw invalid('credentialSid', `is a credential of type ${outcome.credentialType}: a binding of type ${input.bindingType} needs one of its own type`);
    }
    if (outcome.registration) return outcome.registration;
  }
  throw new Error(`registerBinding: no user for the identity after ${ATTEMPTS} attempts (service ${input.serviceSid})`);
}

interface Outcome {
  serviceFound: boolean;
  /** The caller's credential's type; null when the caller has no such credential. */
  credentialType: string | null;
  /** Undefined when nothing was written. */
  registration?: Registration;
}

async function upsert(data: DataContext, actor: RegistrationActor, input: RegistrationInput): Promise<Outcome> {
  const { caller } = actor;
  const bindingSid = newSid('BS');
  const [row] = await data.prisma.$queryRaw<Array<Binding & { serviceFound: boolean; credentialType: string | null; created: boolean | null }>>`
    WITH svc AS (
      SELECT s.sid FROM services s WHERE s.sid = ${input.serviceSid} AND s.account_sid = ${caller.accountSid}
    ), cred AS (
      SELECT c.type FROM credentials c WHERE c.sid = ${input.credentialSid} AND c.account_sid = ${caller.accountSid}
    ), ok AS (
      SELECT svc.sid AS service_sid FROM svc JOIN cred ON cred.type = ${input.bindingType}::binding_type
    ), new_user AS (
      INSERT INTO users (sid, service_sid, identity, date_created, date_updated)
      SELECT ${newSid('US')}, ok.service_sid, ${input.identity}, ${NOW}, ${NOW} FROM ok
      ON CONFLICT (service_sid, identity) DO NOTHING
      RETURNING sid
    ), usr AS (
      SELECT n.sid FROM new_user n
      UNION ALL
      SELECT u.sid FROM users u JOIN ok ON u.service_sid = ok.service_sid WHERE u.identity = ${input.identity}
    ), upserted AS (
      INSERT INTO bindings AS t (sid, account_sid, service_sid, user_sid, identity, endpoint, binding_type, credential_sid, message_types, date_created, date_updated)
      SELECT ${bindingSid}, ${caller.accountSid}, ok.service_sid, usr.sid, ${input.identity}, ${input.endpoint}, ${input.bindingType}::binding_type,
             ${input.credentialSid}, ${[...input.messageTypes]}::text[], ${NOW}, ${NOW}
      FROM ok, usr
      ON CONFLICT (service_sid, identity, endpoint, binding_type) DO UPDATE
        SET credential_sid = excluded.credential_sid, message_types = excluded.message_types,
            date_updated = GREATEST(t.date_updated, excluded.date_updated)
      RETURNING t.*
    ), audit AS (
      INSERT INTO binding_registrations (sid, date_created, account_sid, credential_sid, front_door, request_id, binding_sid, service_sid, created, binding)
      SELECT ${newSid('RG')}, ${NOW}, b.account_sid, ${caller.credentialSid}, ${actor.frontDoor}, ${actor.requestId ?? null}, b.sid, b.service_sid,
             b.sid = ${bindingSid}, to_jsonb(b)
      FROM upserted b
    )
    SELECT EXISTS (SELECT 1 FROM svc) AS "serviceFound", (SELECT cred.type::text FROM cred) AS "credentialType",
           t.sid = ${bindingSid} AS created, ${COLUMNS}
    FROM (VALUES (1)) AS one (x) LEFT JOIN upserted AS t ON true`;
  if (!row) throw new Error('registerBinding: the statement returned no row');
  const { serviceFound, credentialType, created, ...binding } = row;
  if (created === null) return { serviceFound, credentialType };
  return { serviceFound, credentialType, registration: { binding, created } };
}
