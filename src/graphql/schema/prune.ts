import {
  cancelPruneJob,
  createPruneJob,
  type DryRun,
  getPruneJob,
  MAX_PRUNE_SAMPLE,
  type PruneJob,
  type PruneStatus,
  pruneDryRun,
  pruneSample,
} from '../../domain/prune.js';
import { wakePruneRunners } from '../../jobs/prune.js';
import { bindingFilterOf } from '../loading/binding-args.js';
import { BindingFilterInput } from './binding-filter.js';
import { builder } from './builder.js';
import { BindingRef } from './refs.js';

// Bulk deletion as a job: `pruneBindings` (dry run, or start a job), `cancelPruneJob`, `Query.pruneJob`.

export const PruneJobStatusEnum = builder.enumType('PruneJobStatus', {
  description: 'Where a prune job stands.',
  values: {
    QUEUED: { value: 'queued', description: 'Created; no batch has run yet.' },
    RUNNING: { value: 'running', description: 'Deleting in batches (also while paused by a gateway restart: it resumes).' },
    DONE: { value: 'done', description: 'Every matching binding (after its start) was examined.' },
    CANCELLED: { value: 'cancelled', description: 'Cancelled: nothing more is deleted.' },
    FAILED: { value: 'failed', description: 'Stopped by repeated errors; see `error`.' },
  } satisfies Record<string, { value: PruneStatus; description: string }>,
});

export const PruneJobRef = builder.objectRef<PruneJob>('PruneJob');

PruneJobRef.implement({
  description:
    "A bulk deletion of one service's bindings matching a filter, run by the gateway in batches (each batch deletes, audits and counts in one statement).",
  fields: (t) => ({
    id: t.id({ description: 'The job (PJ…).', resolve: (job) => job.sid }),
    serviceSid: t.exposeString('serviceSid'),
    status: t.field({ type: PruneJobStatusEnum, resolve: (job) => job.status }),
    matched: t.exposeInt('matched', { description: 'Bindings matching the filter when the job was created.' }),
    deleted: t.exposeInt('deleted', { description: 'Bindings this job deleted so far (each audited, never counted twice).' }),
    dateCreated: t.expose('dateCreated', { type: 'DateTime' }),
    startedAt: t.expose('startedAt', { type: 'DateTime', nullable: true }),
    finishedAt: t.expose('finishedAt', { type: 'DateTime', nullable: true }),
    error: t.exposeString('error', { nullable: true }),
  }),
});

type PruneOutcome = { kind: 'dry-run'; run: DryRun } | { kind: 'job'; job: PruneJob };

builder.relayMutationField(
  'pruneBindings',
  {
    inputFields: (t) => ({
      serviceSid: t.string({ required: true, description: "The caller's service (IS…) whose bindings are pruned." }),
      filter: t.field({ type: BindingFilterInput, required: true, description: 'Which bindings: at least one condition.' }),
      dryRun: t.boolean({
        required: false,
        defaultValue: false,
        description: 'True: only count the matching bindings and show some (reads only; read-only keys may do it).',
      }),
    }),
  },
  {
    description:
      "Deletes a service's bindings matching a filter. With dryRun: true, answers at once with `matched` and a `sample`, deleting nothing. Otherwise starts a job and returns it (follow it with Query.pruneJob): the gateway deletes in batches of 500, in sid order, each binding audited like a single delete (front door `job`, request id the job's id). An empty filter is BAD_USER_INPUT; another account's service is NOT_FOUND; a read-only key starting a job is FORBIDDEN.",
    resolve: async (_root, { input }, ctx): Promise<PruneOutcome> => {
      const filter = bindingFilterOf(input.filter);
      if (input.dryRun) return { kind: 'dry-run', run: await pruneDryRun(ctx.data.prisma, ctx.caller, input.serviceSid, filter) };
      const job = await createPruneJob(ctx.data.prisma, ctx.caller, input.serviceSid, filter);
      wakePruneRunners();
      return { kind: 'job', job };
    },
  },
  {
    outputFields: (t) => ({
      dryRun: t.boolean({ resolve: (outcome) => outcome.kind === 'dry-run' }),
      matched: t.int({
        description: 'Bindings matching the filter now (dry run) or when the job was created.',
        resolve: (outcome) => (outcome.kind === 'dry-run' ? outcome.run.matched : outcome.job.matched),
      }),
      sample: t.field({
        type: [BindingRef],
        nullable: true,
        description: `Dry run only: the first matching bindings in sid order (at most ${MAX_PRUNE_SAMPLE}).`,
        args: { first: t.arg.int({ required: false, defaultValue: 20 }) },
        complexity: (args) => ({ field: 1, multiplier: Math.max(0, Math.min(args.first ?? 20, MAX_PRUNE_SAMPLE)) }),
        resolve: (outcome, args, ctx) => (outcome.kind === 'dry-run' ? pruneSample(ctx.data.prisma, outcome.run, args.first ?? 20) : null),
      }),
      job: t.field({
        type: PruneJobRef,
        nullable: true,
        description: 'The job started (null for a dry run).',
        resolve: (outcome) => (outcome.kind === 'job' ? outcome.job : null),
      }),
    }),
  },
);

builder.relayMutationField(
  'cancelPruneJob',
  {
    inputFields: (t) => ({ id: t.id({ required: true, description: 'The job (PJ…).' }) }),
  },
  {
    description:
      'Cancels a queued or running prune job of the caller: no binding is deleted by it after this returns (bindings already deleted stay deleted). A finished job is returned unchanged; an unknown job is NOT_FOUND; a read-only key is FORBIDDEN.',
    resolve: async (_root, { input }, ctx) => ({ job: await cancelPruneJob(ctx.data.prisma, ctx.caller, String(input.id)) }),
  },
  {
    outputFields: (t) => ({ job: t.field({ type: PruneJobRef, resolve: ({ job }) => job }) }),
  },
);

builder.queryField('pruneJob', (t) =>
  t.field({
    type: PruneJobRef,
    nullable: true,
    description: "One of the caller's prune jobs (null for an unknown id, or another account's job).",
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, ctx) => getPruneJob(ctx.data.prisma, ctx.caller.accountSid, String(id)),
  }),
);
