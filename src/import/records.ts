import { BINDING_TYPES, type BindingType } from '../domain/bindings.js';
import { isSid, type SidPrefix } from '../domain/sids.js';

/**
 * The four resources an import brings in, as this gateway stores them. Dates
 * are ISO strings so a page can travel as JSON (over the admin channel) and
 * into SQL (`json_to_recordset`) unchanged.
 */
export interface CredentialRecord {
  sid: string;
  accountSid: string;
  friendlyName: string | null;
  type: BindingType;
  sandbox: boolean;
  dateCreated: string;
  dateUpdated: string;
}

export interface ServiceRecord {
  sid: string;
  accountSid: string;
  friendlyName: string;
  dateCreated: string;
  dateUpdated: string;
}

export interface UserRecord {
  sid: string;
  accountSid: string;
  serviceSid: string;
  identity: string;
  friendlyName: string | null;
  dateCreated: string;
  dateUpdated: string;
}

export interface BindingRecord {
  sid: string;
  accountSid: string;
  serviceSid: string;
  identity: string;
  endpoint: string;
  bindingType: BindingType;
  credentialSid: string | null;
  messageTypes: string[];
  dateCreated: string;
  dateUpdated: string;
}

export type ResourceKind = 'credentials' | 'services' | 'users' | 'bindings';

export interface RecordOf {
  credentials: CredentialRecord;
  services: ServiceRecord;
  users: UserRecord;
  bindings: BindingRecord;
}

/** The SID prefix of each kind: how a record's kind is told from its content. */
export const KIND_PREFIX: Record<ResourceKind, SidPrefix> = { credentials: 'CR', services: 'IS', users: 'US', bindings: 'BS' };

/** A record the import refuses; `field` names the offending property. */
export class RecordError extends Error {
  override name = 'RecordError';
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(field ? `${field}: ${message}` : message);
  }
}

/** Longest identity, endpoint or name accepted (Twilio documents no limit; this keeps rows and pages bounded). */
const TEXT_MAX = 1024;
const MESSAGE_TYPES_MAX = 32;

/**
 * Reads one resource in any of the shapes a source gives it: the REST wire
 * (snake_case, as Twilio and this gateway answer), twilio-node instances and
 * Twilio CLI output (camelCase; dates as Date objects or strings).
 * RecordError on anything this gateway could not store faithfully.
 */
export function toRecord<K extends ResourceKind>(kind: K, value: unknown): RecordOf[K] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new RecordError(`a ${singular(kind)} must be an object`);
  const r = new Reader(value as Record<string, unknown>);
  const sid = r.sid('sid', KIND_PREFIX[kind]);
  const accountSid = r.sid('accountSid', 'AC');
  const dates = { dateCreated: r.date('dateCreated'), dateUpdated: r.date('dateUpdated') };
  switch (kind) {
    case 'credentials':
      return { sid, accountSid, friendlyName: r.text('friendlyName', true), type: r.bindingType('type'), sandbox: r.sandbox(), ...dates } as RecordOf[K];
    case 'services':
      return { sid, accountSid, friendlyName: r.text('friendlyName', false) ?? '', ...dates } as RecordOf[K];
    case 'users':
      return {
        sid,
        accountSid,
        serviceSid: r.sid('serviceSid', 'IS'),
        identity: r.identity(),
        friendlyName: r.text('friendlyName', true),
        ...dates,
      } as RecordOf[K];
    case 'bindings':
      return {
        sid,
        accountSid,
        serviceSid: r.sid('serviceSid', 'IS'),
        identity: r.identity(),
        endpoint: r.endpoint(),
        bindingType: r.bindingType('bindingType'),
        credentialSid: r.optionalSid('credentialSid', 'CR'),
        messageTypes: r.messageTypes(),
        ...dates,
      } as RecordOf[K];
  }
  throw new RecordError(`unknown kind ${String(kind)}`);
}

/** The kind of a record told by its `sid`'s prefix, or undefined. */
export function kindOf(value: unknown): ResourceKind | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const sid = (value as Record<string, unknown>).sid;
  if (typeof sid !== 'string') return undefined;
  return (Object.keys(KIND_PREFIX) as ResourceKind[]).find((kind) => sid.startsWith(KIND_PREFIX[kind]));
}

export function singular(kind: ResourceKind): string {
  return kind.slice(0, -1);
}

const snake = (camel: string) => camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const CONTROL = /[\p{Cc}]/u;

class Reader {
  constructor(private readonly value: Record<string, unknown>) {}

  /** The property under its camelCase or snake_case name, and the name it was found under. */
  private get(field: string): [unknown, string] {
    if (field in this.value) return [this.value[field], field];
    const alt = snake(field);
    return [this.value[alt], alt];
  }

  sid(field: string, prefix: SidPrefix): string {
    const [v, name] = this.get(field);
    if (typeof v !== 'string' || !isSid(v, prefix)) throw new RecordError(`must be a ${prefix} SID (${prefix} and 32 hex digits), got ${show(v)}`, name);
    return v;
  }

  optionalSid(field: string, prefix: SidPrefix): string | null {
    const [v] = this.get(field);
    return v === null || v === undefined || v === '' ? null : this.sid(field, prefix);
  }

  date(field: string): string {
    const [v, name] = this.get(field);
    const date = v instanceof Date ? v : typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v) ? new Date(v) : undefined;
    if (!date || Number.isNaN(date.getTime())) throw new RecordError(`must be an ISO 8601 date-time, got ${show(v)}`, name);
    return date.toISOString();
  }

  text(field: string, nullable: boolean): string | null {
    const [v, name] = this.get(field);
    if ((v === null || v === undefined) && nullable) return null;
    if (typeof v !== 'string' || v.length > TEXT_MAX || v.includes('\u0000')) {
      throw new RecordError(`must be a string of at most ${TEXT_MAX} characters${nullable ? ' or null' : ''}, got ${show(v)}`, name);
    }
    return v;
  }

  identity(): string {
    const [v, name] = this.get('identity');
    if (typeof v !== 'string' || v === '' || v.length > TEXT_MAX || CONTROL.test(v)) {
      throw new RecordError(`must be 1 to ${TEXT_MAX} characters without control characters, got ${show(v)}`, name);
    }
    return v;
  }

  endpoint(): string {
    const [v, name] = this.get('endpoint');
    if (typeof v !== 'string' || v === '' || v.length > TEXT_MAX || CONTROL.test(v)) {
      throw new RecordError(`must be 1 to ${TEXT_MAX} characters without control characters, got ${show(v)}`, name);
    }
    return v;
  }

  bindingType(field: string): BindingType {
    const [v, name] = this.get(field);
    if (typeof v !== 'string' || !(BINDING_TYPES as readonly string[]).includes(v)) {
      throw new RecordError(`must be one of ${BINDING_TYPES.join(', ')}, got ${show(v)}`, name);
    }
    return v as BindingType;
  }

  /** Twilio sends `sandbox` as the string "true" or "false". */
  sandbox(): boolean {
    const [v, name] = this.get('sandbox');
    if (v === true || v === 'true' || v === 'True') return true;
    if (v === false || v === 'false' || v === 'False' || v === null || v === undefined) return false;
    throw new RecordError(`must be "true" or "false", got ${show(v)}`, name);
  }

  messageTypes(): string[] {
    const [v, name] = this.get('messageTypes');
    if (v === null || v === undefined) return [];
    if (!Array.isArray(v) || v.length > MESSAGE_TYPES_MAX || !v.every((t) => typeof t === 'string' && t !== '' && t.length <= 64 && !CONTROL.test(t))) {
      throw new RecordError(`must be a list of at most ${MESSAGE_TYPES_MAX} message type names, got ${show(v)}`, name);
    }
    return v as string[];
  }
}

function show(value: unknown): string {
  const text = value === undefined ? 'nothing' : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
