import type { Database, StopListening } from '../db/database.js';
import { type Binding, type BindingFilter, getBinding } from '../domain/bindings.js';
import { type Caller, findCredential } from '../domain/caller.js';
import type { DataContext } from '../domain/data-context.js';
import { NotFoundError } from '../domain/errors.js';
import { getServices } from '../domain/services.js';
import type { Logger } from '../platform/logger.js';

/** The channel of the bindings_events triggers (migration 20261207100000_binding_events). */
export const BINDING_EVENTS_CHANNEL = 'binding_events';

export type BindingEventKind = 'REGISTERED' | 'UPDATED' | 'DELETED';

/** One write of one binding: the binding as it is after it (for DELETED: as it was). */
export interface BindingEvent {
  kind: BindingEventKind;
  binding: Binding;
  /** When the database wrote it (the trigger's clock). */
  at: Date;
}

/** Why a subscription is refused, or why its stream ends. */
export type EventStreamErrorCode = 'SERVICE_UNAVAILABLE' | 'SUBSCRIPTION_LIMIT_EXCEEDED' | 'SLOW_CONSUMER' | 'UNAUTHENTICATED';

export class EventStreamError extends Error {
  override name = 'EventStreamError';
  constructor(
    readonly code: EventStreamErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** What a subscription's iterator yields: an event, or (last) the error that ends the stream. */
export type EventStreamItem = { event: BindingEvent } | { error: EventStreamError };

export interface EventHubSettings {
  /** Concurrent subscriptions one credential (account token or API key) may hold in this process. */
  maxPerCredential: number;
  /** Events a subscriber may have waiting before its stream is ended (SLOW_CONSUMER). */
  queueSize: number;
}

export const DEFAULT_EVENT_HUB_SETTINGS: EventHubSettings = { maxPerCredential: 10, queueSize: 5_000 };

/** A notification of the trigger, parsed. `row` is undefined when it was too large to send. */
interface Notice {
  kind: BindingEventKind;
  at: Date;
  sid: string;
  accountSid: string;
  serviceSid: string;
  row: Binding | undefined;
}

const LOST_MESSAGE =
  'The event stream was interrupted: the gateway lost its database connection for events, so events may have been missed. Subscribe again, then re-read what you need.';
const REVOKED_MESSAGE =
  'The credential this subscription was made with was revoked, rotated or deleted: the stream was ended. Subscribe again with a valid credential.';
const SHUTDOWN_MESSAGE = 'The gateway is shutting down: events after this one may be missed. Subscribe again (another instance will answer).';

/**
 * One LISTEN on "binding_events" per process (started with the first
 * subscription, stopped by close), fanned out to the subscriptions of the
 * account and service each event belongs to. Each subscription has a bounded
 * queue; a subscriber that falls further behind is ended with SLOW_CONSUMER
 * instead of making the process buffer without bound. Whenever the listening
 * connection is lost, every open stream ends with SERVICE_UNAVAILABLE (events
 * may have been missed), and new subscriptions are refused until it listens again.
 */
export class BindingEventHub {
  readonly #subscriptions = new Set<Subscription>();
  readonly #perCredential = new Map<string, number>();
  #starting: Promise<void> | undefined;
  #stop: StopListening | undefined;
  #listening = false;
  #closed = false;
  #shuttingDown = false;
  #checking: Promise<void> | undefined;
  #recheck = false;

  constructor(
    private readonly db: Database,
    private readonly data: DataContext,
    private readonly logger: Logger,
    private readonly settings: EventHubSettings = DEFAULT_EVENT_HUB_SETTINGS,
  ) {}

  /** Open subscriptions (all credentials). */
  get size(): number {
    return this.#subscriptions.size;
  }

  /**
   * A stream of the events of one of the caller's services that pass `filter`,
   * from now on. NotFoundError for a service that is not the caller's (whether
   * it exists or not); EventStreamError when over the credential's limit or not listening.
   */
  async subscribe(caller: Caller, serviceSid: string, filter: BindingFilter): Promise<AsyncIterableIterator<EventStreamItem>> {
    if (this.#shuttingDown || this.#closed) throw new EventStreamError('SERVICE_UNAVAILABLE', SHUTDOWN_MESSAGE);
    const credential = caller.credentialSid;
    const held = this.#perCredential.get(credential) ?? 0;
    if (held >= this.settings.maxPerCredential) {
      throw new EventStreamError(
        'SUBSCRIPTION_LIMIT_EXCEEDED',
        this.settings.maxPerCredential === 0
          ? 'Subscriptions are turned off on this gateway (EVENTS_MAX_SUBSCRIPTIONS_PER_CREDENTIAL=0)'
          : `This credential already has ${held} open subscriptions, the most allowed (EVENTS_MAX_SUBSCRIPTIONS_PER_CREDENTIAL): end one first`,
      );
    }
    // The slot is taken before anything is awaited, so concurrent requests cannot overshoot the limit.
    this.#perCredential.set(credential, held + 1);
    let subscription: Subscription | undefined;
    try {
      await this.#start();
      if (!this.#listening) throw new EventStreamError('SERVICE_UNAVAILABLE', LOST_MESSAGE);
      // Registered before the service is checked, so that nothing committed after this answer is missed.
      subscription = new Subscription(this, caller, serviceSid, filter, this.settings.queueSize);
      this.#subscriptions.add(subscription);
      const [[service], stored] = await Promise.all([getServices(this.data, caller.accountSid, [serviceSid]), findCredential(this.data.prisma, credential)]);
      if (!service) throw new NotFoundError(`Service ${serviceSid} was not found`);
      // What the credential was when the stream began: it ends when that changes (credentialsChanged).
      subscription.secretHash = stored?.secretHash;
      this.logger.debug('binding events: subscribed', { credential, serviceSid, open: this.#subscriptions.size });
      return subscription;
    } catch (err) {
      if (subscription) subscription.end();
      else this.#release(credential);
      throw err;
    }
  }

  /**
   * Accounts or API keys changed (the credentials_changed notification, or
   * its listener restarted): streams whose credential was revoked, deleted or
   * given a new secret since they began are ended with UNAUTHENTICATED, as
   * a new request with it would be refused.
   */
  credentialsChanged(): void {
    if (this.#checking) {
      this.#recheck = true;
      return;
    }
    this.#checking = this.#checkCredentials()
      .catch((err: unknown) => this.logger.warn('binding events: could not check the credentials of open streams', { err }))
      .finally(() => {
        this.#checking = undefined;
        if (this.#recheck) {
          this.#recheck = false;
          this.credentialsChanged();
        }
      });
  }

  async #checkCredentials(): Promise<void> {
    const bySid = new Map<string, Subscription[]>();
    for (const subscription of this.#subscriptions) {
      const list = bySid.get(subscription.caller.credentialSid) ?? [];
      list.push(subscription);
      bySid.set(subscription.caller.credentialSid, list);
    }
    for (const [sid, subscriptions] of bySid) {
      const stored = await findCredential(this.data.prisma, sid);
      for (const subscription of subscriptions) {
        if (subscription.secretHash === undefined) continue;
        if (!stored || stored.secretHash !== subscription.secretHash || stored.caller.accountSid !== subscription.caller.accountSid) {
          subscription.fail(new EventStreamError('UNAUTHENTICATED', REVOKED_MESSAGE));
        }
      }
    }
  }

  /** Shutdown began: every open stream ends (telling its client to subscribe again), and new ones are refused. */
  shutDown(): void {
    this.#shuttingDown = true;
    this.#failAll(new EventStreamError('SERVICE_UNAVAILABLE', SHUTDOWN_MESSAGE));
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#failAll(new EventStreamError('SERVICE_UNAVAILABLE', SHUTDOWN_MESSAGE));
    await this.#starting?.catch(() => {});
    await this.#checking;
    await this.#stop?.();
  }

  /** Called by a subscription once it is over (returned, or ended after its error was read). */
  detach(subscription: Subscription): void {
    if (!this.#subscriptions.delete(subscription)) return;
    this.#release(subscription.caller.credentialSid);
    this.logger.debug('binding events: unsubscribed', { credential: subscription.caller.credentialSid, open: this.#subscriptions.size });
  }

  /** The binding of a notice that was too large to carry it; undefined when it cannot be found (the event is then dropped). */
  async complete(notice: Notice): Promise<Binding | undefined> {
    if (notice.row) return notice.row;
    if (notice.kind !== 'DELETED') {
      // As it is now; if it is gone already, the DELETED event that follows tells so.
      return (await getBinding(this.data, notice.accountSid, notice.sid)) ?? undefined;
    }
    // Every deletion by the gateway (either front door, prune jobs, import --prune) is audited with the row.
    const [audit] = await this.data.prisma.$queryRaw<Array<{ binding: Record<string, unknown> }>>`
      SELECT binding FROM binding_deletions
      WHERE account_sid = ${notice.accountSid} AND binding_sid = ${notice.sid}
      ORDER BY date_created DESC LIMIT 1`;
    const row = audit ? bindingOfRow(audit.binding) : undefined;
    if (!row) this.logger.warn('binding events: a deleted binding too large to notify has no audit row; its event is dropped', { sid: notice.sid });
    return row;
  }

  #release(credential: string): void {
    const held = (this.#perCredential.get(credential) ?? 1) - 1;
    if (held > 0) this.#perCredential.set(credential, held);
    else this.#perCredential.delete(credential);
  }

  #failAll(error: EventStreamError): void {
    for (const subscription of this.#subscriptions) subscription.fail(error);
  }

  #start(): Promise<void> {
    this.#starting ??= this.db
      .listen(
        BINDING_EVENTS_CHANNEL,
        {
          onNotify: (payload) => this.#deliver(payload),
          onReset: (listening) => {
            const wasListening = this.#listening;
            this.#listening = listening;
            if (!listening && wasListening) this.#failAll(new EventStreamError('SERVICE_UNAVAILABLE', LOST_MESSAGE));
            if (listening && !wasListening) this.logger.info('binding events: listening');
          },
          onError: (err) => this.logger.warn('binding events: not listening (retrying); open streams were ended', { err }),
        },
        { schemaOf },
      )
      .then(
        async (stop) => {
          if (this.#closed) await stop();
          else this.#stop = stop;
        },
        (err: unknown) => {
          // Retried by the next subscription.
          this.#starting = undefined;
          throw err;
        },
      );
    return this.#starting;
  }

  #deliver(payload: string): void {
    const notice = parseNotice(payload);
    if (!notice) {
      this.logger.warn('binding events: ignoring a notification that is not a binding event', { payload: payload.slice(0, 200) });
      return;
    }
    for (const subscription of this.#subscriptions) {
      if (subscription.caller.accountSid === notice.accountSid && subscription.serviceSid === notice.serviceSid) subscription.push(notice);
    }
  }
}

/** A subscription's stream: notices in arrival order, filtered, at most `queueSize` waiting. */
class Subscription implements AsyncIterableIterator<EventStreamItem> {
  readonly #queue: Notice[] = [];
  /** The error that ends the stream, once the queued events are dropped. */
  #ending: EventStreamError | undefined;
  #finished = false;
  #wake: (() => void) | undefined;
  /** The credential's stored secret hash when the stream began (undefined until then). */
  secretHash: string | undefined;

  constructor(
    private readonly hub: BindingEventHub,
    readonly caller: Caller,
    readonly serviceSid: string,
    private readonly filter: BindingFilter,
    private readonly queueSize: number,
  ) {}

  push(notice: Notice): void {
    if (this.#finished || this.#ending) return;
    if (notice.row && !matchesFilter(notice.row, this.filter)) return;
    if (this.#queue.length >= this.queueSize) {
      this.fail(
        new EventStreamError(
          'SLOW_CONSUMER',
          `The subscriber fell ${this.queueSize} events behind (EVENTS_QUEUE_SIZE), so the stream was ended: events after the last one received may be missed. Subscribe again, then re-read what you need.`,
        ),
      );
      return;
    }
    this.#queue.push(notice);
    this.#wakeUp();
  }

  /** Ends the stream with `error`: queued events are dropped, the error is the last item. */
  fail(error: EventStreamError): void {
    if (this.#finished || this.#ending) return;
    this.#ending = error;
    this.#queue.length = 0;
    this.#wakeUp();
  }

  /** Ends the stream at once, without an error item. */
  end(): void {
    this.#finished = true;
    this.#queue.length = 0;
    this.hub.detach(this);
    this.#wakeUp();
  }

  async next(): Promise<IteratorResult<EventStreamItem>> {
    for (;;) {
      if (this.#finished) return { done: true, value: undefined };
      const notice = this.#queue.shift();
      if (notice) {
        let binding: Binding | undefined;
        try {
          binding = await this.hub.complete(notice);
        } catch {
          // The database could not be read for this event: it cannot be sent, so it is missed.
          this.fail(new EventStreamError('SERVICE_UNAVAILABLE', LOST_MESSAGE));
          continue;
        }
        if (!binding || (!notice.row && !matchesFilter(binding, this.filter))) continue;
        return { done: false, value: { event: { kind: notice.kind, binding, at: notice.at } } };
      }
      if (this.#ending) {
        const error = this.#ending;
        this.end();
        return { done: false, value: { error } };
      }
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
  }

  async return(): Promise<IteratorResult<EventStreamItem>> {
    this.end();
    return { done: true, value: undefined };
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<EventStreamItem> {
    return this;
  }

  #wakeUp(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}

/** Whether `binding` passes `filter`, exactly as bindingConditions (src/domain/bindings.ts) decides in SQL. */
export function matchesFilter(binding: Binding, filter: BindingFilter): boolean {
  if (filter.bindingTypes?.length && !filter.bindingTypes.includes(binding.bindingType)) return false;
  if (filter.identities?.length && !filter.identities.includes(binding.identity)) return false;
  if (filter.identityPrefix && !binding.identity.startsWith(filter.identityPrefix)) return false;
  if (filter.credentialSids?.length && (binding.credentialSid === null || !filter.credentialSids.includes(binding.credentialSid))) return false;
  const created = binding.dateCreated.getTime();
  const updated = binding.dateUpdated.getTime();
  if (filter.createdAfter && !(created > filter.createdAfter.getTime())) return false;
  if (filter.createdBefore && !(created < filter.createdBefore.getTime())) return false;
  if (filter.updatedAfter && !(updated > filter.updatedAfter.getTime())) return false;
  if (filter.updatedBefore && !(updated < filter.updatedBefore.getTime())) return false;
  return true;
}

function schemaOf(payload: string): string | undefined {
  try {
    const schema = (JSON.parse(payload) as { schema?: unknown }).schema;
    return typeof schema === 'string' ? schema : undefined;
  } catch {
    return undefined;
  }
}

const KINDS: readonly string[] = ['REGISTERED', 'UPDATED', 'DELETED'];

function parseNotice(payload: string): Notice | undefined {
  let parsed: { kind?: unknown; at?: unknown; truncated?: unknown; row?: Record<string, unknown> };
  try {
    parsed = JSON.parse(payload);
  } catch {
    return undefined;
  }
  const { kind, at, row } = parsed;
  if (typeof kind !== 'string' || !KINDS.includes(kind) || typeof at !== 'string' || !row || typeof row !== 'object') return undefined;
  const { sid, account_sid: accountSid, service_sid: serviceSid } = row;
  if (typeof sid !== 'string' || typeof accountSid !== 'string' || typeof serviceSid !== 'string') return undefined;
  const binding = parsed.truncated === true ? undefined : bindingOfRow(row);
  if (parsed.truncated !== true && !binding) return undefined;
  return { kind: kind as BindingEventKind, at: new Date(at), sid, accountSid, serviceSid, row: binding };
}

/** A bindings row as to_jsonb renders it (column names; timestamp(3) without time zone, in UTC). */
function bindingOfRow(row: Record<string, unknown>): Binding | undefined {
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const date = (v: unknown) => (typeof v === 'string' ? new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(v) ? v : `${v}Z`) : undefined);
  const sid = text(row.sid);
  const accountSid = text(row.account_sid);
  const serviceSid = text(row.service_sid);
  const userSid = text(row.user_sid);
  const identity = text(row.identity);
  const endpoint = text(row.endpoint);
  const bindingType = text(row.binding_type);
  const dateCreated = date(row.date_created);
  const dateUpdated = date(row.date_updated);
  const credentialSid = row.credential_sid === null ? null : text(row.credential_sid);
  const messageTypes = Array.isArray(row.message_types) ? row.message_types.filter((t): t is string => typeof t === 'string') : undefined;
  if (
    sid === undefined ||
    accountSid === undefined ||
    serviceSid === undefined ||
    userSid === undefined ||
    identity === undefined ||
    endpoint === undefined ||
    (bindingType !== 'apn' && bindingType !== 'gcm' && bindingType !== 'fcm') ||
    credentialSid === undefined ||
    messageTypes === undefined ||
    !dateCreated ||
    !dateUpdated
  ) {
    return undefined;
  }
  return { sid, accountSid, serviceSid, userSid, identity, endpoint, bindingType, credentialSid, messageTypes, dateCreated, dateUpdated };
}
