import { hostname } from 'node:os';
import type { RecordOf, ResourceKind } from './records.js';
import { SourceError, type SourcePage, type TwilioSource } from './source.js';
import type { Checkpoint, Counts, ImportStore } from './store-protocol.js';

/**
 * One import of an account: credentials, then services, then for each service
 * (up to `concurrency` at once) its users and its bindings. Each page is
 * written with the checkpoint of its list, and the next page is fetched while
 * the current one is written. An interrupted run resumes each list after its
 * last written page; lists it finished are skipped. The services list is
 * always read again, whole: it is short, and it says which services follow.
 */

export interface ImportPlan {
  accountSid: string;
  /** The Twilio account or API key SID the source is read with: recorded with every deletion. */
  actorSid: string;
  /** Only these services (`--service`); all when empty. */
  services: string[];
  prune: boolean;
  dryRun: boolean;
  concurrency: number;
  /** With --keep-token: the local auth token becomes this one. */
  keepToken?: string | undefined;
}

export interface ImportSummary {
  account: { sid: string; created: boolean; authToken?: string };
  resumed: boolean;
  dryRun: boolean;
  credentials: Counts;
  services: Counts;
  users: Counts;
  bindings: Counts & { pruned: number };
  requests: number;
  retries: number;
  seconds: number;
}

/** What the progress display hears. */
export interface ImportEvents {
  page(event: PageEvent): void;
  /** A list an interrupted run had finished. */
  skipped(list: string, checkpoint: Checkpoint): void;
  /** The import created the local account: its auth token (when made up) is shown at once, so a later failure cannot lose it. */
  accountCreated(sid: string, authToken: string | undefined): void;
}

export interface PageEvent {
  kind: ResourceKind;
  serviceSid?: string | undefined;
  /** The list's page number, counting pages an interrupted run wrote. */
  page: number;
  records: number;
  counts: Counts;
  last: boolean;
}

export async function runImport(source: TwilioSource, store: ImportStore, plan: ImportPlan, events: ImportEvents): Promise<ImportSummary> {
  const started = performance.now();
  const { accountSid, dryRun, prune, actorSid } = plan;
  // Read from the source before writing anything: wrong credentials or URL must not leave a new local account behind.
  const probe = await source.page('credentials', undefined);
  const begun = await store.begin({
    accountSid,
    source: source.options.from,
    prune,
    dryRun,
    owner: { pid: process.pid, host: hostname() },
    accountName: `Imported from ${source.options.from}`,
    authToken: plan.keepToken,
  });
  const { runId } = begun;
  if (begun.account.created) events.accountCreated(accountSid, begun.account.authToken);
  const checkpoints = new Map(begun.checkpoints.map((c) => [c.list, c]));
  const totals = { credentials: zero(), services: zero(), users: zero(), bindings: zero() };
  let matched = 0;

  const copyList = async <K extends ResourceKind>(kind: K, serviceSid: string | undefined, first?: SourcePage<K>): Promise<RecordOf[K][]> => {
    const list = serviceSid ? `${kind}:${serviceSid}` : kind;
    const checkpoint = checkpoints.get(list);
    if (checkpoint?.done) {
      events.skipped(list, checkpoint);
      return [];
    }
    const seen: RecordOf[K][] = [];
    let pageNumber = checkpoint?.pages ?? 0;
    let fetching: Promise<SourcePage<K>> | undefined = first ? Promise.resolve(first) : source.page(kind, serviceSid, checkpoint?.nextPage ?? undefined);
    while (fetching) {
      const page: SourcePage<K> = await fetching;
      const stranger = page.records.find((r) => r.accountSid !== accountSid);
      if (stranger) throw new SourceError(`the source listed ${stranger.sid} of account ${stranger.accountSid} among the resources of ${accountSid}`);
      // Fetch the next page while this one is written; its failure is seen when awaited.
      fetching = page.nextPage ? source.page(kind, serviceSid, page.nextPage) : undefined;
      fetching?.catch(() => {});
      const counts = await store.write({
        kind,
        accountSid,
        runId,
        dryRun,
        prune,
        actorSid,
        records: page.records,
        checkpoint: { list, nextPage: page.nextPage },
        ...(serviceSid ? { serviceSid } : {}),
      } as Parameters<ImportStore['write']>[0]);
      add(totals[kind], counts);
      if (kind === 'bindings') matched += counts.updated + counts.unchanged;
      if (kind === 'services') seen.push(...page.records);
      events.page({ kind, serviceSid, page: ++pageNumber, records: page.records.length, counts, last: !page.nextPage });
    }
    return seen;
  };

  try {
    await copyList('credentials', undefined, checkpoints.has('credentials') ? undefined : probe);
    checkpoints.delete('services');
    const chosen = plan.services.length > 0 ? { records: await Promise.all(plan.services.map((sid) => source.service(sid))), nextPage: null } : undefined;
    const services = await copyList('services', undefined, chosen);
    await pool(services, plan.concurrency, async (service) => {
      await copyList('users', service.sid);
      await copyList('bindings', service.sid);
    });
    const { pruned } = await store.finish({ accountSid, runId, dryRun, prune, actorSid, serviceSids: services.map((s) => s.sid), matched });
    return {
      account: { sid: accountSid, ...begun.account },
      resumed: begun.resumed,
      dryRun,
      ...totals,
      bindings: { ...totals.bindings, pruned },
      requests: source.stats.requests,
      retries: source.stats.retries,
      seconds: Math.round((performance.now() - started) / 100) / 10,
    };
  } catch (err) {
    if (!dryRun) await store.release({ accountSid, runId }).catch(() => {});
    throw err;
  }
}

function zero(): Counts {
  return { inserted: 0, updated: 0, unchanged: 0 };
}

function add(total: Counts, counts: Counts): void {
  total.inserted += counts.inserted;
  total.updated += counts.updated;
  total.unchanged += counts.unchanged;
}

/** Runs `work` over `items`, at most `limit` at a time; the first failure stops new work and is thrown. */
async function pool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const item = items[next++]!;
      try {
        await work(item);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
