import { deleteBinding } from '../../domain/bindings.js';
import { BadInputError, NotFoundError } from '../../domain/errors.js';
import { sidKind } from '../../domain/sids.js';
import { loadAll, loadRequired } from '../loading/load.js';
import { builder } from './builder.js';
import { BindingRef, BindingTypeEnum, CredentialRef, ServiceRef, UserRef } from './refs.js';

builder.node(BindingRef, {
  description: "A push binding (BS…): one user's device endpoint on one push channel of a Chat service.",
  id: { resolve: (binding) => binding.sid },
  loadMany: (sids, ctx) => loadAll(ctx.loaders.binding, sids),
  fields: (t) => ({
    sid: t.exposeString('sid'),
    accountSid: t.exposeString('accountSid'),
    serviceSid: t.exposeString('serviceSid'),
    dateCreated: t.expose('dateCreated', { type: 'DateTime' }),
    dateUpdated: t.expose('dateUpdated', { type: 'DateTime' }),
    endpoint: t.exposeString('endpoint', { description: 'The device or endpoint identifier; its form depends on bindingType.' }),
    identity: t.exposeString('identity', { description: "The user's identity within the service." }),
    userSid: t.exposeString('userSid'),
    credentialSid: t.exposeString('credentialSid', { nullable: true }),
    bindingType: t.expose('bindingType', { type: BindingTypeEnum }),
    messageTypes: t.exposeStringList('messageTypes', { description: 'The Chat message types this binding is subscribed to.' }),
    service: t.field({
      type: ServiceRef,
      resolve: (binding, _args, ctx) => loadRequired(ctx.loaders.service, binding.serviceSid, 'service'),
    }),
    user: t.field({
      type: UserRef,
      resolve: (binding, _args, ctx) => loadRequired(ctx.loaders.user, binding.userSid, 'user'),
    }),
    credential: t.field({
      type: CredentialRef,
      nullable: true,
      resolve: (binding, _args, ctx) => (binding.credentialSid ? ctx.loaders.credential.load(binding.credentialSid) : null),
    }),
  }),
});

builder.relayMutationField(
  'deleteBinding',
  {
    inputFields: (t) => ({
      id: t.id({ required: true, description: 'The binding to delete: its global ID (which is its BS… sid).' }),
    }),
  },
  {
    description: 'Deletes one binding of the caller. A binding that does not exist (or no longer does) is a NOT_FOUND error.',
    resolve: async (_root, { input }, ctx) => {
      const id = String(input.id);
      const kind = sidKind(id);
      if (kind === undefined) {
        throw new BadInputError('input.id is not a valid ID: expected a binding sid (BS…)', 'input.id');
      }
      if (kind !== 'binding') throw new NotFoundError(`Binding ${id} was not found`);
      const binding = await deleteBinding(ctx.data, { caller: ctx.caller, frontDoor: 'graphql', requestId: ctx.requestId }, id);
      ctx.loaders.binding.clear(id);
      ctx.loaders.forgetLists();
      return { binding };
    },
  },
  {
    outputFields: (t) => ({
      deletedBindingId: t.id({ resolve: ({ binding }) => binding.sid }),
      binding: t.field({
        type: BindingRef,
        description: 'The binding as it was just before it was deleted.',
        resolve: ({ binding }) => binding,
      }),
      service: t.field({
        type: ServiceRef,
        nullable: true,
        resolve: ({ binding }, _args, ctx) => ctx.loaders.service.load(binding.serviceSid),
      }),
    }),
  },
);
