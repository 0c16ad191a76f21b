import { randomBytes } from 'node:crypto';

/** Twilio SID prefixes this gateway issues or accepts. */
export const SID_PREFIX = {
  account: 'AC',
  service: 'IS',
  user: 'US',
  credential: 'CR',
  binding: 'BS',
  apiKey: 'SK',
  /** An entry of the deletion audit trail. */
  deletion: 'DL',
  /** An entry of the registration audit trail. */
  registration: 'RG',
  /** A bulk deletion job (pruneBindings). */
  pruneJob: 'PJ',
} as const;

export type SidKind = keyof typeof SID_PREFIX;
export type SidPrefix = (typeof SID_PREFIX)[SidKind];

/** Two-letter prefix + 32 lower-case hex digits, as Twilio emits them. */
export function newSid(prefix: SidPrefix, random: () => Buffer = () => randomBytes(16)): string {
  return prefix + random().toString('hex');
}

const SID_PATTERN = /^([A-Z]{2})[0-9a-f]{32}$/;

export function isSid(value: string, prefix: SidPrefix): boolean {
  return SID_PATTERN.test(value) && value.startsWith(prefix);
}

/** The kind a well-formed SID names, or undefined for anything else. */
export function sidKind(value: string): SidKind | undefined {
  const match = SID_PATTERN.exec(value);
  if (!match) return undefined;
  const prefix = match[1];
  return (Object.keys(SID_PREFIX) as SidKind[]).find((kind) => SID_PREFIX[kind] === prefix);
}

/** Only well-formed SIDs can name a row; anything else (including text Postgres cannot store) matches nothing. */
export function sidsOnly(values: readonly string[]): string[] {
  return values.filter((value) => SID_PATTERN.test(value));
}

/** Postgres text cannot hold NUL, so a value containing one can never match a stored string. */
export function storable(value: string): boolean {
  return !value.includes('\u0000');
}
