import { BadInputError } from '../domain/errors.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type Page, type PageArgs } from '../domain/paging.js';
import { twilioErrors } from './errors.js';

/** Twilio's list parameters, validated: PageSize, Page and an opaque PageToken. */
export interface ListParams {
  pageSize: number;
  page: number;
  pageToken: string | undefined;
  /** The same window as Relay arguments, for the domain layer. */
  args: PageArgs;
}

// Page tokens follow Twilio's visible convention: "PA" + position for the page
// after, "PB" + position for the page before. The position is the domain's
// signed cursor, so tokens are opaque, survive deletions and cannot be forged.
const AFTER = 'PA';
/** `Page` is only echoed; the bound keeps `Page + 1` in next_page_url valid too. */
const MAX_PAGE_INDEX = 1_000_000_000;
const BEFORE = 'PB';

export function readListParams(query: URLSearchParams): ListParams {
  const pageSize = readInt(query, 'PageSize', 1, MAX_PAGE_SIZE) ?? DEFAULT_PAGE_SIZE;
  const page = readInt(query, 'Page', 0, MAX_PAGE_INDEX) ?? 0;
  const pageToken = query.get('PageToken') ?? undefined;
  if (pageToken === undefined) {
    if (page > 0) throw twilioErrors.invalidParameter('PageToken is required for paging.');
    return { pageSize, page, pageToken, args: { first: pageSize } };
  }
  const direction = pageToken.slice(0, 2);
  const cursor = pageToken.slice(2);
  if ((direction !== AFTER && direction !== BEFORE) || cursor === '') throw twilioErrors.invalidPageToken();
  const args = direction === AFTER ? { first: pageSize, after: cursor } : { last: pageSize, before: cursor };
  return { pageSize, page, pageToken, args };
}

function readInt(query: URLSearchParams, name: string, min: number, max: number): number | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  const value = /^\d{1,16}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    const range = `an integer from ${min} to ${max}`;
    throw twilioErrors.invalidParameter(`Invalid ${name}: must be ${range}, got ${JSON.stringify(raw.slice(0, 64))}`);
  }
  return value;
}

/** Runs a domain list call, turning a rejected page token into Twilio's error. */
export async function withPageToken<T>(load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (err) {
    if (err instanceof BadInputError && (err.argument === 'after' || err.argument === 'before')) {
      throw twilioErrors.invalidPageToken();
    }
    throw err;
  }
}

/**
 * The list envelope: `meta` with absolute URLs that keep the filters, and the
 * items under `key`. `filters` are the list's own query parameters, in order.
 */
export function listEnvelope<T extends { sid: string }>(options: {
  key: string;
  baseUrl: string;
  filters: Array<[string, string]>;
  params: ListParams;
  page: Page<T>;
  items: unknown[];
}) {
  const { key, baseUrl, filters, params, page, items } = options;
  const url = (pageIndex: number, token?: string) => {
    const query = new URLSearchParams(filters);
    query.append('PageSize', String(params.pageSize));
    query.append('Page', String(pageIndex));
    if (token !== undefined) query.append('PageToken', token);
    return `${baseUrl}?${query.toString()}`;
  };
  const first = page.rows[0];
  const last = page.rows.at(-1);
  return {
    meta: {
      page: params.page,
      page_size: params.pageSize,
      first_page_url: url(0),
      previous_page_url: page.hasPreviousPage && first ? url(Math.max(params.page - 1, 0), BEFORE + page.cursorOf(first)) : null,
      url: url(params.page, params.pageToken),
      next_page_url: page.hasNextPage && last ? url(params.page + 1, AFTER + page.cursorOf(last)) : null,
      key,
    },
    [key]: items,
  };
}
