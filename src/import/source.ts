import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient.js';

import { RecordError, type RecordOf, type ResourceKind, singular, toRecord } from './records.js';

/**
 * Reads an account's Chat v2 resources with the official twilio-node client,
 * from Twilio or from any wire-compatible server (`--from`, e.g. another
 * instance of this gateway): requests twilio-node addresses to *.twilio.com go
 * to that base URL instead (BINDINGS_API.md §8, recipe A).
 *
 * twilio-node's own retry (`autoRetry`) covers only 429 without Retry-After;
 * this client retries 429 (waiting what Retry-After asks), 5xx, timeouts and
 * dropped connections with exponential backoff and full jitter, a bounded
 * number of times, then fails naming the request and the last status.
 */

/** Twilio's Chat host: the default source. */
export const TWILIO_CHAT_URL = 'https://chat.twilio.com';
/** The largest page Twilio serves. */
export const PAGE_SIZE = 1000;

export interface SourceOptions {
  /** Base URL of the source. */
  from: string;
  accountSid: string;
  /** The account SID or an API key SID. */
  username: string;
  /** The auth token or the API key's secret. */
  password: string;
  /** Attempts per request, the first included. */
  maxAttempts?: number;
  /** First backoff step; each retry doubles it (before jitter). */
  retryBaseMs?: number;
  /** Longest wait between attempts, Retry-After included. */
  maxDelayMs?: number;
  /** Per-request timeout. */
  timeoutMs?: number;
  onRetry?: (retry: RetryEvent) => void;
}

export interface RetryEvent {
  url: string;
  /** The status answered, or the connection error's code. */
  reason: string;
  attempt: number;
  delayMs: number;
}

export interface SourcePage<K extends ResourceKind = ResourceKind> {
  records: RecordOf[K][];
  /** The next page's URL, null after the last page. */
  nextPage: string | null;
}

/** The source failed for good: retries exhausted, refused credentials, a record this gateway cannot store. */
export class SourceError extends Error {
  override name = 'SourceError';
  constructor(
    message: string,
    /** The source kept failing (retries exhausted): running the import again later may well succeed. */
    readonly transient = false,
  ) {
    super(message);
  }
}

export class TwilioSource {
  readonly stats = { requests: 0, retries: 0 };
  private readonly client: twilio.Twilio;

  constructor(readonly options: SourceOptions) {
    const base = new URL(options.from);
    const stats = this.stats;
    const maxAttempts = options.maxAttempts ?? 6;
    const retryBaseMs = options.retryBaseMs ?? 500;
    const maxDelayMs = options.maxDelayMs ?? 60_000;

    class RetryingClient extends twilio.RequestClient {
      override async request<TData>(request: RequestClient.RequestOptions<TData>) {
        const uri = redirect(request.uri, base);
        const send = () => super.request<TData>({ ...request, uri });
        for (let attempt = 1; ; attempt++) {
          stats.requests++;
          let response: Awaited<ReturnType<typeof send>> | undefined;
          let reason: string;
          try {
            response = await send();
            if (response.statusCode !== 429 && response.statusCode < 500) return response;
            reason = `status ${response.statusCode}`;
          } catch (err) {
            reason = connectionError(err);
          }
          const where = `${request.method.toUpperCase()} ${describe(uri, request.params)}`;
          if (attempt >= maxAttempts) throw new SourceError(`${where} failed ${attempt} times; the last answer: ${reason}`, true);
          const retryAfter = response?.statusCode === 429 ? retryAfterMs(response.headers) : undefined;
          const backoff = Math.random() * retryBaseMs * 2 ** (attempt - 1);
          const delayMs = Math.min(maxDelayMs, retryAfter ?? backoff);
          stats.retries++;
          options.onRetry?.({ url: where, reason, attempt, delayMs });
          await new Promise((resolve) => setTimeout(resolve, delayMs));
        }
      }
    }

    this.client = twilio(options.username, options.password, {
      accountSid: options.accountSid,
      httpClient: new RetryingClient({ timeout: options.timeoutMs ?? 60_000, keepAlive: true }),
      // Keep twilio-node from rewriting the host to a regional one.
      region: '',
      edge: '',
    });
  }

  /** One page of a list: the first (`url` absent) or the one a previous page pointed to. */
  async page<K extends ResourceKind>(kind: K, serviceSid: string | undefined, url?: string): Promise<SourcePage<K>> {
    const list = this.list(kind, serviceSid);
    if (url !== undefined) this.checkNextPage(url);
    let page: { instances: unknown[]; nextPageUrl?: string | undefined };
    try {
      page = url ? await list.getPage(url) : await list.page({ pageSize: PAGE_SIZE });
    } catch (err) {
      throw this.failure(err, `listing ${kind}${serviceSid ? ` of service ${serviceSid}` : ''}`);
    }
    return { records: page.instances.map((instance, i) => this.record(kind, instance, i)), nextPage: page.nextPageUrl ?? null };
  }

  /** One service by SID (`--service`). */
  async service(sid: string): Promise<RecordOf['services']> {
    try {
      return this.record('services', await this.client.chat.v2.services(sid).fetch(), 0);
    } catch (err) {
      throw this.failure(err, `fetching service ${sid}`);
    }
  }

  /** Credentials go only where --from points: a next-page URL on another host is refused, not followed. */
  private checkNextPage(url: string): void {
    let target: URL | undefined;
    try {
      target = new URL(redirect(url, new URL(this.options.from)));
    } catch {
      target = undefined;
    }
    if (target?.origin !== new URL(this.options.from).origin) {
      throw new SourceError(`the source's next page URL ${JSON.stringify(url)} is not on ${this.options.from}: not following it`);
    }
  }

  private list(kind: ResourceKind, serviceSid: string | undefined): PageList {
    const chat = this.client.chat.v2;
    if (kind === 'credentials') return chat.credentials as unknown as PageList;
    if (kind === 'services') return chat.services as unknown as PageList;
    if (!serviceSid) throw new Error(`listing ${kind} needs a service`);
    return (kind === 'users' ? chat.services(serviceSid).users : chat.services(serviceSid).bindings) as unknown as PageList;
  }

  private record<K extends ResourceKind>(kind: K, instance: unknown, index: number): RecordOf[K] {
    try {
      return toRecord(kind, instance);
    } catch (err) {
      if (!(err instanceof RecordError)) throw err;
      const sid = (instance as { sid?: unknown }).sid;
      throw new SourceError(
        `the source sent a ${singular(kind)} this gateway cannot store (${typeof sid === 'string' ? sid : `item ${index}`}): ${err.message}`,
      );
    }
  }

  private failure(err: unknown, what: string): Error {
    if (err instanceof SourceError) return err;
    const e = err as { status?: number; code?: number; message?: string };
    if (typeof e.status === 'number') {
      const hint = e.status === 401 ? ' (check TWILIO_ACCOUNT_SID with TWILIO_AUTH_TOKEN, or TWILIO_API_KEY with TWILIO_API_SECRET)' : '';
      return new SourceError(`${what} from ${this.options.from} failed: status ${e.status}, code ${e.code ?? '-'}: ${e.message ?? ''}${hint}`);
    }
    return new SourceError(`${what} from ${this.options.from} failed: ${e.message ?? String(err)}`);
  }
}

/** What twilio-node's list objects offer for paging. */
interface PageList {
  page(params: { pageSize: number }): Promise<{ instances: unknown[]; nextPageUrl?: string }>;
  getPage(url: string): Promise<{ instances: unknown[]; nextPageUrl?: string }>;
}

/** A *.twilio.com URL moved onto the source's base URL (its path prefix kept); other URLs as they are. */
function redirect(uri: string, base: URL): string {
  const url = new URL(uri);
  if (!/(^|\.)twilio\.com$/i.test(url.hostname) || base.hostname === url.hostname) return uri;
  url.protocol = base.protocol;
  url.host = base.host;
  url.pathname = base.pathname.replace(/\/+$/, '') + url.pathname;
  return url.href;
}

/** The URL with its query, for messages. */
function describe(uri: string, params: unknown): string {
  const url = new URL(uri);
  for (const [key, value] of Object.entries((params ?? {}) as Record<string, unknown>)) {
    if (value !== undefined) url.searchParams.set(key, String(value));
  }
  return url.href;
}

/** Retry-After as seconds or an HTTP date, in ms; undefined when absent or unreadable. */
function retryAfterMs(headers: unknown): number | undefined {
  const raw = (headers as Record<string, unknown> | undefined)?.['retry-after'];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(String(value));
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** A thrown request error (axios: no response) as a short reason. */
function connectionError(err: unknown): string {
  const e = err as { code?: string; message?: string };
  return e.code ? `connection error ${e.code}` : `connection error: ${e.message ?? String(err)}`;
}
