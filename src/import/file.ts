import { KIND_PREFIX, kindOf, RecordError, type RecordOf, type ResourceKind, singular, toRecord } from './records.js';

/**
 * Reads an export file into records, by content rather than by name:
 * - a JSON array of resources, as the Twilio CLI prints them
 *   (`twilio api:chat:v2:services:bindings:list -o json`, camelCase keys);
 * - a REST list body of this API or Twilio's (`{"meta": …, "bindings": […]}`);
 * - NDJSON: one resource (or one list body) per line.
 * Each resource's kind is told by its SID (CR, IS, US, BS). A record that
 * cannot be stored is reported with the file and line it starts on.
 */

export type FileFormat = 'json-array' | 'rest-body' | 'ndjson';

export interface ParsedFile {
  name: string;
  format: FileFormat;
  records: { [K in ResourceKind]: RecordOf[K][] };
  /** The line each record starts on, by SID. */
  lines: Map<string, number>;
}

/** A file the import refuses, with where. */
export class FileError extends Error {
  override name = 'FileError';
}

const LIST_KEYS: readonly ResourceKind[] = ['bindings', 'users', 'services', 'credentials'];

interface Item {
  value: unknown;
  line: number | undefined;
  /** The kind the surrounding list body names, if any. */
  listKind?: ResourceKind;
}

export function parseImportFile(name: string, content: string): ParsedFile {
  const text = content.replace(/^\uFEFF/, '');
  if (text.trim() === '') throw new FileError(`${name}: the file is empty`);
  let format: FileFormat;
  let items: Item[];
  let whole: unknown;
  let parsed = true;
  try {
    whole = JSON.parse(text);
  } catch {
    parsed = false;
  }
  if (parsed && Array.isArray(whole)) {
    format = 'json-array';
    const starts = elementLines(text, 1);
    items = whole.map((value, i) => ({ value, line: starts.length === whole.length ? starts[i] : undefined }));
  } else if (parsed && listBody(whole)) {
    format = 'rest-body';
    const { kind, list } = listBody(whole)!;
    const starts = elementLines(text, 2);
    items = list.map((value, i) => ({ value, line: starts.length === list.length ? starts[i] : undefined, listKind: kind }));
  } else {
    format = 'ndjson';
    items = [];
    text.split('\n').forEach((raw, i) => {
      const line = raw.trim();
      if (line === '') return;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (err) {
        const hint = i === 0 ? ' (the file is neither one JSON document nor NDJSON, one JSON object per line)' : '';
        throw new FileError(`${name}:${i + 1}: not JSON: ${(err as Error).message}${hint}`);
      }
      const body = listBody(value);
      if (body) for (const v of body.list) items.push({ value: v, line: i + 1, listKind: body.kind });
      else items.push({ value, line: i + 1 });
    });
  }

  const records: ParsedFile['records'] = { credentials: [], services: [], users: [], bindings: [] };
  const lines = new Map<string, number>();
  const devices = new Map<string, number | undefined>();
  items.forEach((item, index) => {
    const where = item.line === undefined ? `${name}: item ${index + 1}` : `${name}:${item.line}`;
    const kind = kindOf(item.value);
    if (!kind) {
      throw new FileError(
        `${where}: not a resource this import knows: expected an object whose "sid" starts with ${Object.values(KIND_PREFIX).join(', ')} (credential, service, user, binding)`,
      );
    }
    if (item.listKind && item.listKind !== kind) throw new FileError(`${where}: a ${singular(kind)} in the list of ${item.listKind}`);
    let record: RecordOf[typeof kind];
    try {
      record = toRecord(kind, item.value);
    } catch (err) {
      if (err instanceof RecordError) throw new FileError(`${where}: ${singular(kind)} ${(item.value as { sid: string }).sid}: ${err.message}`);
      throw err;
    }
    const previous = lines.get(record.sid);
    if (lines.has(record.sid))
      throw new FileError(`${where}: ${record.sid} appears twice (also ${previous === undefined ? 'earlier' : `at line ${previous}`})`);
    lines.set(record.sid, item.line ?? 0);
    if (kind === 'bindings') {
      const b = record as RecordOf['bindings'];
      const device = JSON.stringify([b.serviceSid, b.identity, b.endpoint, b.bindingType]);
      if (devices.has(device)) {
        const at = devices.get(device);
        throw new FileError(
          `${where}: binding ${b.sid} is the same device (service, identity, endpoint, type) as another binding${at ? ` at line ${at}` : ''}`,
        );
      }
      devices.set(device, item.line);
    }
    (records[kind] as unknown[]).push(record);
  });
  if (items.length === 0) throw new FileError(`${name}: no records`);
  return { name, format, records, lines };
}

/** `{meta, <kind>: [...]}` with exactly one list key: the list and its kind. */
function listBody(value: unknown): { kind: ResourceKind; list: unknown[] } | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const keys = LIST_KEYS.filter((k) => Array.isArray((value as Record<string, unknown>)[k]));
  if (keys.length !== 1 || 'sid' in value) return undefined;
  return { kind: keys[0]!, list: (value as Record<string, unknown[]>)[keys[0]!]! };
}

/**
 * The line on which each object at the given nesting depth starts (depth 1:
 * elements of a top-level array; 2: elements of an array inside the top-level
 * object). A small scanner over already-valid JSON: strings are skipped, so
 * braces inside them do not count.
 */
function elementLines(text: string, depth: number): number[] {
  const starts: number[] = [];
  let level = 0;
  let line = 1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') line++;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
    } else if (c === '{' || c === '[') {
      if (c === '{' && level === depth) starts.push(line);
      level++;
    } else if (c === '}' || c === ']') {
      level--;
    }
  }
  return starts;
}
