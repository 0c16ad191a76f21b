import { MESSAGE_TYPES, registerBinding } from '../../domain/registrations.js';
import { builder } from './builder.js';
import { BindingRef, BindingTypeEnum } from './refs.js';

builder.relayMutationField(
  'registerBinding',
  {
    inputFields: (t) => ({
      serviceSid: t.string({ required: true, description: 'The Chat service (IS…) of the caller the device registers with.' }),
      identity: t.string({ required: true, description: "The user's identity within the service; the user is created with its first registration." }),
      bindingType: t.field({ type: BindingTypeEnum, required: true, description: 'The push technology of the device.' }),
      endpoint: t.string({ required: true, description: 'The device or endpoint identifier; its form depends on bindingType.' }),
      credentialSid: t.string({ required: true, description: "The caller's push credential (CR…) the binding uses: of the binding's type." }),
      messageTypes: t.stringList({
        required: true,
        description: `The Chat message types the binding subscribes to, each at most once: ${MESSAGE_TYPES.join(', ')}.`,
      }),
    }),
  },
  {
    description:
      "Registers a device for push notifications: adds the binding of (serviceSid, identity, endpoint, bindingType), or, when the device registered before, updates its credential, messageTypes and dateUpdated (the binding keeps its sid). Refused fields are BAD_USER_INPUT errors whose extensions.argument names the field; a service or credential that is not the caller's is NOT_FOUND; a read-only key is FORBIDDEN.",
    resolve: async (_root, { input }, ctx) => {
      const registration = await registerBinding(ctx.data, { caller: ctx.caller, frontDoor: 'graphql', requestId: ctx.requestId }, input);
      const { binding } = registration;
      ctx.loaders.binding.clear(binding.sid).prime(binding.sid, binding);
      ctx.loaders.user.clear(binding.userSid);
      ctx.loaders.forgetLists();
      return registration;
    },
  },
  {
    outputFields: (t) => ({
      binding: t.field({ type: BindingRef, description: 'The binding as written.', resolve: ({ binding }) => binding }),
      created: t.boolean({
        description: 'True when the registration added the binding; false when it updated the binding the device already had.',
        resolve: ({ created }) => created,
      }),
    }),
  },
);
