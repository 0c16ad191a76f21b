import { getOwnAccount } from '../../domain/accounts.js';
import { countServices, listServices } from '../../domain/services.js';
import { toConnection } from '../loading/connection.js';
import { builder } from './builder.js';
import { AccountRef, ServiceRef } from './refs.js';

builder.node(AccountRef, {
  description: 'A Twilio account (AC…). A caller only ever sees its own.',
  id: { resolve: (account) => account.sid },
  loadOne: (sid, ctx) => getOwnAccount(ctx.data.prisma, ctx.caller.accountSid, sid),
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
    resolve: async (_root, _args, ctx) => {
      const account = await getOwnAccount(ctx.data.prisma, ctx.caller.accountSid);
      // The caller was authenticated by this account's credential: a miss is a bug, not a user error.
      if (!account) throw new Error(`account ${ctx.caller.accountSid} is missing`);
      return account;
    },
  }),
  services: t.connection({
    type: ServiceRef,
    description: "The caller's Chat services, ordered by sid.",
    resolve: async (_root, args, ctx) => {
      const accountSid = ctx.caller.accountSid;
      return toConnection(await listServices(ctx.data, accountSid, args), () => countServices(ctx.data, accountSid));
    },
  }),
}));
