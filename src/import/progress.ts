import type { ImportEvents, ImportSummary, PageEvent } from './run.js';
import type { RetryEvent } from './source.js';
import type { Checkpoint } from './store-protocol.js';

/**
 * How an import shows its progress:
 * - `tty`: a live table on a terminal (stderr), one line per list, redrawn in place;
 * - `json`: one JSON line per page (and per retry) on the given stream.
 * Twilio's lists carry no totals, so there is no ETA: the rate and the pages
 * done say how it goes.
 */
export interface Progress extends ImportEvents {
  retry(event: RetryEvent): void;
  /** Clears the live display before the summary is printed. */
  close(): void;
}

export interface ProgressStats {
  requests: number;
  retries: number;
}

export function jsonProgress(out: NodeJS.WritableStream, stats: ProgressStats): Progress {
  const started = performance.now();
  let bindings = 0;
  const seconds = () => Math.round((performance.now() - started) / 100) / 10;
  const emit = (line: object) => out.write(`${JSON.stringify(line)}\n`);
  return {
    page(e: PageEvent) {
      if (e.kind === 'bindings') bindings += e.records;
      const elapsed = seconds();
      emit({
        event: 'page',
        list: e.serviceSid ? `${e.kind}:${e.serviceSid}` : e.kind,
        page: e.page,
        records: e.records,
        ...e.counts,
        last: e.last,
        bindings,
        bindingsPerSecond: elapsed > 0 ? Math.round(bindings / elapsed) : null,
        requests: stats.requests,
        retries: stats.retries,
        seconds: elapsed,
      });
    },
    skipped(list: string, c: Checkpoint) {
      emit({ event: 'skipped', list, pages: c.pages, records: c.records, reason: 'finished by an earlier, interrupted run' });
    },
    accountCreated(sid: string, authToken: string | undefined) {
      emit({ event: 'account', sid, created: true, ...(authToken ? { authToken } : {}) });
    },
    retry(e: RetryEvent) {
      emit({ event: 'retry', url: e.url, reason: e.reason, attempt: e.attempt, delayMs: Math.round(e.delayMs) });
    },
    close() {},
  };
}

/** Finished lists the live display keeps showing. */
const RECENT_DONE = 6;

interface ListLine {
  list: string;
  pages: number;
  records: number;
  done: boolean;
  note?: string;
}

/** The live display: one line per list, the totals on top; redrawn at most every 100 ms. */
export function ttyProgress(out: NodeJS.WriteStream, stats: ProgressStats): Progress {
  const started = performance.now();
  const lines = new Map<string, ListLine>();
  let bindings = 0;
  let drawn = 0;
  let lastDraw = 0;
  let lastRetry = '';

  /** Lists in progress, and the last few finished: an account may have hundreds of services. */
  const listLines = (): string[] => {
    const all = [...lines.values()];
    const done = all.filter((l) => l.done);
    const hidden = Math.max(0, done.length - RECENT_DONE);
    const recent = new Set(done.slice(hidden));
    const rows = all
      .filter((l) => !l.done || recent.has(l))
      .map(
        (l) =>
          `  ${l.done ? '✓' : '…'} ${l.list.padEnd(44)} ${String(l.pages).padStart(6)} pages ${l.records.toLocaleString('en').padStart(11)} rows${l.note ? `  ${l.note}` : ''}`,
      );
    return hidden > 0 ? [`  ✓ ${hidden} more lists done`, ...rows] : rows;
  };

  const render = (force = false) => {
    const now = performance.now();
    if (!force && now - lastDraw < 100) return;
    lastDraw = now;
    const elapsed = (now - started) / 1000;
    const rate = elapsed > 0 ? Math.round(bindings / elapsed) : 0;
    const text = [
      `import: ${bindings.toLocaleString('en')} bindings, ${rate.toLocaleString('en')}/s, ${stats.requests} requests, ${stats.retries} retries, ${elapsed.toFixed(1)} s`,
      ...(lastRetry ? [`  last retry: ${lastRetry}`] : []),
      ...listLines(),
    ];
    const width = out.columns || 120;
    let frame = drawn > 0 ? `\x1b[${drawn}A` : '';
    for (const line of text) frame += `\x1b[2K${line.slice(0, width - 1)}\n`;
    out.write(`${frame}\x1b[J`);
    drawn = text.length;
  };

  return {
    page(e: PageEvent) {
      const list = e.serviceSid ? `${e.kind}:${e.serviceSid}` : e.kind;
      const line = lines.get(list) ?? { list, pages: 0, records: 0, done: false };
      line.pages = e.page;
      line.records += e.records;
      line.done = e.last;
      lines.set(list, line);
      if (e.kind === 'bindings') bindings += e.records;
      render(e.last);
    },
    skipped(list: string, c: Checkpoint) {
      lines.set(list, { list, pages: c.pages, records: c.records, done: true, note: '(done before)' });
      render();
    },
    accountCreated(sid: string, authToken: string | undefined) {
      // Above the live table, which is redrawn below it.
      if (drawn > 0) out.write(`\x1b[${drawn}A\x1b[J`);
      drawn = 0;
      out.write(authToken ? `Created account ${sid}; its auth token (shown once, only its hash is stored): ${authToken}\n` : `Created account ${sid}.\n`);
    },
    retry(e: RetryEvent) {
      lastRetry = `${e.reason} on ${e.url}, attempt ${e.attempt}, waiting ${(e.delayMs / 1000).toFixed(1)} s`;
      render(true);
    },
    close() {
      render(true);
    },
  };
}

/** The final summary for humans. */
export function formatSummary(s: ImportSummary): string {
  const counts = (c: { inserted: number; updated: number; unchanged: number }) => `inserted ${c.inserted}, updated ${c.updated}, unchanged ${c.unchanged}`;
  const out = [
    `${s.dryRun ? 'Dry run (nothing written)' : 'Imported'} account ${s.account.sid}${s.resumed ? ', resuming an interrupted run' : ''} in ${s.seconds} s ` +
      `(${s.requests} requests, ${s.retries} retries)`,
    `  credentials  ${counts(s.credentials)}`,
    `  services     ${counts(s.services)}`,
    `  users        ${counts(s.users)}`,
    `  bindings     ${counts(s.bindings)}, ${s.dryRun ? 'would prune' : 'pruned'} ${s.bindings.pruned}`,
  ];
  if (s.account.created) {
    out.push(
      '',
      s.dryRun ? `Account ${s.account.sid} does not exist here yet: a real run creates it.` : `Created account ${s.account.sid}.`,
      ...(s.account.authToken
        ? [`  AuthToken   ${s.account.authToken}`, 'The auth token is shown this once: only its hash is stored.']
        : s.dryRun
          ? []
          : ['Its auth token is your Twilio auth token (--keep-token).']),
    );
  }
  return `${out.join('\n')}\n`;
}
