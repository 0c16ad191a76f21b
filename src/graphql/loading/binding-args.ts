import type { BindingFilter, BindingType } from '../../domain/bindings.js';

/** The argument values of a bindings list field, as GraphQL execution hands them over. */
export interface BindingListArgs {
  bindingType?: readonly BindingType[] | null;
  credentialSid?: readonly string[] | null;
  createdAfter?: Date | null;
  createdBefore?: Date | null;
  updatedAfter?: Date | null;
  updatedBefore?: Date | null;
  identity?: readonly string[] | null;
  identityPrefix?: string | null;
}

export function bindingFilterOf(args: BindingListArgs): BindingFilter {
  return {
    bindingTypes: args.bindingType,
    identities: args.identity,
    identityPrefix: args.identityPrefix,
    credentialSids: args.credentialSid,
    createdAfter: args.createdAfter,
    createdBefore: args.createdBefore,
    updatedAfter: args.updatedAfter,
    updatedBefore: args.updatedBefore,
  };
}
