import { BadInputError } from '../../domain/errors.js';
import { findUser } from '../../domain/users.js';
import { bindingFilterOf } from '../loading/binding-args.js';
import { bindingsConnection, usersConnection } from '../loading/connection.js';
import { loadAll } from '../loading/load.js';
import { loadServiceWithList } from '../loading/prefetch.js';
import { bindingFilterArgs, bindingOrderArgs, identityFilterArgs } from './binding-filter.js';
import { builder } from './builder.js';
import { BindingRef, ServiceRef, UserRef } from './refs.js';

builder.node(ServiceRef, {
  description: 'A Chat service (IS…).',
  id: { resolve: (service) => service.sid },
  loadMany: (sids, ctx) => loadAll(ctx.loaders.service, sids),
  fields: (t) => ({
    sid: t.exposeString('sid'),
    accountSid: t.exposeString('accountSid'),
    friendlyName: t.exposeString('friendlyName'),
    dateCreated: t.expose('dateCreated', { type: 'DateTime' }),
    dateUpdated: t.expose('dateUpdated', { type: 'DateTime' }),
    bindings: t.connection({
      type: BindingRef,
      description: "The service's bindings in `orderBy` (sid by default); filters combine with AND, a list filter keeps bindings matching any of its values.",
      args: { ...bindingFilterArgs, ...identityFilterArgs, ...bindingOrderArgs },
      resolve: (service, { first, after, last, before, orderBy, ...filter }, ctx, info) =>
        bindingsConnection(ctx, info, 'service', service.sid, bindingFilterOf(filter), { first, after, last, before }, orderBy ?? 'SID_ASC'),
    }),
    users: t.connection({
      type: UserRef,
      description: "The service's users, ordered by sid.",
      resolve: (service, pageArgs, ctx, info) => usersConnection(ctx, info, service.sid, pageArgs),
    }),
    user: t.field({
      type: UserRef,
      nullable: true,
      description: 'One user of the service, by identity or by sid (exactly one of the two).',
      args: { identity: t.arg.string(), sid: t.arg.string() },
      resolve: (service, args, ctx) => {
        if ((args.identity == null) === (args.sid == null)) {
          throw new BadInputError('Pass exactly one of identity and sid');
        }
        const by = args.sid != null ? { sid: args.sid } : { identity: args.identity as string };
        return findUser(ctx.data, ctx.caller.accountSid, service.sid, by);
      },
    }),
  }),
});

builder.queryFields((t) => ({
  service: t.field({
    type: ServiceRef,
    nullable: true,
    description: "One of the caller's services by sid; null when there is no such service.",
    args: { sid: t.arg.string({ required: true }) },
    resolve: (_root, { sid }, ctx, info) => loadServiceWithList(ctx, info, sid),
  }),
}));
