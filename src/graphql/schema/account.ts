import { countServices, listServices } from '../../domain/services.js';
import { builder } from './builder.js';
import { toConnection } from '../loading/connection.js';
import { AccountRef, ServiceRef } from './refs.js';

builder.node(AccountRef, {
  description: 'A Twilio account (AC…). A caller only ever sees its own.',
  id: { resolve: (account) => account.sid },
  loadOne: async (sid, ctx) => (sid === ctx.caller.accountSid ? ctx.data.prisma.account.findUnique({ where: { sid } }) : null),
  fields: (t) => ({
    sid: t.exposeString('sid'),
    friendlyName: t.exposeString('friendlyName'),
    dateCreated: t.expose('dateCreated', { type: 'DateTime' }),
    dateUpdated: t.expose('dateUpdated', { type: 'DateTime' }),
  }),
});

builder.queryFields((t) => ({
  account: t.field({
    type: AccountRef,
    description: 'The account whose credentials made this request.',
    resolve: async (_root, _args, ctx) =>
      ctx.data.prisma.account.findUniqueOrThrow({ where: { sid: ctx.caller.accountSid } }),
  }),
  services: t.connection({
    type: ServiceRef,
    description: "The caller's Chat services, ordered by sid.",
    resolve: async (_root, args, ctx) => {
      const accountSid = ctx.caller.accountSid;
      const page = await listServices(ctx.data, accountSid, args);
      return toConnection(page, { list: 'services', parent: accountSid }, ctx.data.cursors, () =>
        countServices(ctx.data, accountSid),
      );
    },
  }),
}));
