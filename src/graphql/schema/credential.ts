import { loadAll } from '../loading/load.js';
import { builder } from './builder.js';
import { BindingTypeEnum, CredentialRef } from './refs.js';

builder.node(CredentialRef, {
  description: 'A push credential (CR…) that bindings deliver through.',
  id: { resolve: (credential) => credential.sid },
  loadMany: (sids, ctx) => loadAll(ctx.loaders.credential, sids),
  fields: (t) => ({
    sid: t.exposeString('sid'),
    accountSid: t.exposeString('accountSid'),
    friendlyName: t.exposeString('friendlyName', { nullable: true }),
    type: t.expose('type', { type: BindingTypeEnum }),
    sandbox: t.exposeBoolean('sandbox'),
    dateCreated: t.expose('dateCreated', { type: 'DateTime' }),
    dateUpdated: t.expose('dateUpdated', { type: 'DateTime' }),
  }),
});
