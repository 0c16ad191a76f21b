import { type BindingStatsSource, DEFAULT_BUCKETS, MAX_BUCKETS, STALENESS_DAYS, type StatsInterval } from '../../domain/stats.js';
import { bindingFilterOf } from '../loading/binding-args.js';
import { registrationsPart, statsSource } from '../loading/stats.js';
import { bindingFilterArgs, identityFilterArgs } from './binding-filter.js';
import { builder } from './builder.js';
import { BindingTypeEnum, CredentialRef, ServiceRef, UserRef } from './refs.js';

const StatsIntervalEnum = builder.enumType('StatsInterval', {
  description: 'A calendar bucket in UTC.',
  values: {
    DAY: { value: 'DAY', description: 'A UTC day, from 00:00.' },
    WEEK: { value: 'WEEK', description: 'An ISO week, from Monday 00:00 UTC.' },
    MONTH: { value: 'MONTH', description: 'A calendar month, from the 1st 00:00 UTC.' },
  } as const satisfies Record<StatsInterval, { value: StatsInterval; description: string }>,
});

const BindingStatsRef = builder.objectRef<BindingStatsSource>('BindingStats');
const TypeCountRef = builder.objectRef<{ bindingType: 'apn' | 'gcm' | 'fcm'; count: number }>('BindingTypeCount');
const CredentialCountRef = builder.objectRef<{ credentialSid: string | null; count: number }>('BindingCredentialCount');
const MessageTypeCountRef = builder.objectRef<{ messageType: string; count: number }>('BindingMessageTypeCount');
const BucketRef = builder.objectRef<{ start: Date; count: number }>('RegistrationBucket');
const StalenessRef = builder.objectRef<{ olderThanDays: number; count: number }>('StalenessCount');

TypeCountRef.implement({
  fields: (t) => ({ bindingType: t.expose('bindingType', { type: BindingTypeEnum }), count: t.exposeInt('count') }),
});
CredentialCountRef.implement({
  fields: (t) => ({
    credentialSid: t.exposeString('credentialSid', { nullable: true, description: 'Null for the bindings without a credential.' }),
    credential: t.field({
      type: CredentialRef,
      nullable: true,
      description: 'The credential; null for the bindings without one.',
      resolve: (row, _args, ctx) => (row.credentialSid ? ctx.loaders.credential.load(row.credentialSid) : null),
    }),
    count: t.exposeInt('count'),
  }),
});
MessageTypeCountRef.implement({
  fields: (t) => ({ messageType: t.exposeString('messageType'), count: t.exposeInt('count') }),
});
BucketRef.implement({
  fields: (t) => ({
    start: t.expose('start', { type: 'DateTime', description: 'Where the calendar bucket starts (the first one may start before `from`).' }),
    count: t.exposeInt('count', { description: 'Bindings created in the bucket, within [from, to).' }),
  }),
});
StalenessRef.implement({
  fields: (t) => ({ olderThanDays: t.exposeInt('olderThanDays'), count: t.exposeInt('count') }),
});

BindingStatsRef.implement({
  description:
    'Exact statistics of the bindings that pass the filter. Each field is computed only when selected; the fields selected together are ' +
    "one SQL statement and one reading of the database's clock (`asOf`). A service's unfiltered statistics come from counters kept by " +
    'triggers in the same transaction as every write, so they cost the same whatever its size.',
  fields: (t) => ({
    asOf: t.field({
      type: 'DateTime',
      description: "The database clock's time the statistics were computed at: staleness and the default `to` of registrations count from it.",
      resolve: (stats) => stats.get({ kind: 'asOf' }),
    }),
    total: t.int({ description: 'How many bindings pass the filter.', resolve: (stats) => stats.get({ kind: 'total' }) }),
    byType: t.field({
      type: [TypeCountRef],
      description: 'Bindings per type; non-zero counts only, largest first (ties by key).',
      resolve: (stats) => stats.get({ kind: 'byType' }),
    }),
    byCredential: t.field({
      type: [CredentialCountRef],
      description: 'Bindings per credential (one entry with credentialSid null for those without one); non-zero counts only, largest first (ties by sid).',
      resolve: (stats) => stats.get({ kind: 'byCredential' }),
    }),
    byMessageType: t.field({
      type: [MessageTypeCountRef],
      description:
        'Bindings per message type: a binding counts once under each type it lists (so the counts may add up to more or less than total); non-zero counts only, largest first (ties by type).',
      resolve: (stats) => stats.get({ kind: 'byMessageType' }),
    }),
    registrations: t.field({
      type: [BucketRef],
      description:
        'Bindings created per calendar bucket (UTC; WEEK starts on Monday) within [from, to): every bucket that meets the range, empty ones ' +
        'included, in order; the first and last count only their part inside the range. `to` defaults to `asOf`; `from` to the start of the ' +
        `bucket ${DEFAULT_BUCKETS - 1} before the one holding the last instant before \`to\` (${DEFAULT_BUCKETS} buckets). ` +
        `More than ${MAX_BUCKETS} buckets, or \`from\` after \`to\`, is BAD_USER_INPUT.`,
      args: {
        interval: t.arg({ type: StatsIntervalEnum, required: false, defaultValue: 'DAY' }),
        from: t.arg({ type: 'DateTime', required: false, description: 'Inclusive.' }),
        to: t.arg({ type: 'DateTime', required: false, description: 'Exclusive.' }),
      },
      complexity: { field: 1, multiplier: 10 },
      resolve: (stats, args) => stats.get(registrationsPart(args)),
    }),
    staleness: t.field({
      type: [StalenessRef],
      description: `Bindings not updated for more than ${STALENESS_DAYS.join(', ')} days (dateUpdated strictly before \`asOf\` minus that many days), in that order.`,
      resolve: (stats) => stats.get({ kind: 'staleness' }),
    }),
  }),
});

builder.objectField(ServiceRef, 'bindingStats', (t) =>
  t.field({
    type: BindingStatsRef,
    description: "Statistics of the service's bindings under the same filters as `bindings`.",
    args: { ...bindingFilterArgs, ...identityFilterArgs },
    resolve: (service, args, ctx) =>
      statsSource(ctx, { accountSid: ctx.caller.accountSid, parent: 'service', parentSid: service.sid, filter: bindingFilterOf(args) }),
  }),
);

builder.objectField(UserRef, 'bindingStats', (t) =>
  t.field({
    type: BindingStatsRef,
    description: "Statistics of the user's bindings under the same filters as `bindings`.",
    args: { ...bindingFilterArgs },
    resolve: (user, args, ctx) => statsSource(ctx, { accountSid: ctx.caller.accountSid, parent: 'user', parentSid: user.sid, filter: bindingFilterOf(args) }),
  }),
);
