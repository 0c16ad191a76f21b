import { bindingFilterOf } from '../loading/binding-args.js';
import { bindingsConnection } from '../loading/connection.js';
import { loadAll, loadRequired } from '../loading/load.js';
import { bindingFilterArgs, bindingOrderArgs } from './binding-filter.js';
import { builder } from './builder.js';
import { BindingRef, ServiceRef, UserRef } from './refs.js';

builder.node(UserRef, {
  description: 'A Chat user (US…) of one service, known by its identity.',
  id: { resolve: (user) => user.sid },
  loadMany: (sids, ctx) => loadAll(ctx.loaders.user, sids),
  fields: (t) => ({
    sid: t.exposeString('sid'),
    serviceSid: t.exposeString('serviceSid'),
    identity: t.exposeString('identity'),
    friendlyName: t.exposeString('friendlyName', { nullable: true }),
    dateCreated: t.expose('dateCreated', { type: 'DateTime' }),
    dateUpdated: t.expose('dateUpdated', { type: 'DateTime' }),
    service: t.field({
      type: ServiceRef,
      resolve: (user, _args, ctx) => loadRequired(ctx.loaders.service, user.serviceSid, 'service'),
    }),
    bindings: t.connection({
      type: BindingRef,
      description: "The user's bindings in `orderBy` (sid by default); filters combine with AND.",
      args: { ...bindingFilterArgs, ...bindingOrderArgs },
      resolve: (user, { first, after, last, before, orderBy, ...filter }, ctx, info) =>
        bindingsConnection(ctx, info, 'user', user.sid, bindingFilterOf(filter), { first, after, last, before }, orderBy ?? 'SID_ASC'),
    }),
  }),
});
