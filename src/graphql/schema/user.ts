import { bindingsConnection } from '../loading/connection.js';
import { loadAll, loadRequired } from '../loading/load.js';
import { builder } from './builder.js';
import { BindingRef, BindingTypeEnum, ServiceRef, UserRef } from './refs.js';

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
      description: "The user's bindings, ordered by sid.",
      args: { bindingType: t.arg({ type: [BindingTypeEnum], required: false }) },
      resolve: (user, { bindingType, ...pageArgs }, ctx, info) => bindingsConnection(ctx, info, 'user', user.sid, { bindingTypes: bindingType }, pageArgs),
    }),
  }),
});
