import { BINDING_ORDERS, type BindingOrder } from '../../domain/bindings.js';
import { builder } from './builder.js';
import { BindingTypeEnum } from './refs.js';

export const BindingOrderEnum = builder.enumType('BindingOrder', {
  description: 'The order of a bindings list. Every order ends with sid, so each binding has one place in it.',
  values: Object.fromEntries(Object.keys(BINDING_ORDERS).map((name) => [name, { value: name as BindingOrder }])) as Record<
    BindingOrder,
    { value: BindingOrder }
  >,
});

/** The filters both bindings lists (and their statistics) take; `Service.bindings` adds `identity` and `identityPrefix`. */
export const bindingFilterArgs = builder.args((t) => ({
  bindingType: t.field({ type: [BindingTypeEnum], required: false, description: 'Only bindings of any of these types.' }),
  credentialSid: t.stringList({ required: false, description: 'Only bindings of any of these credentials (CR…).' }),
  createdAfter: t.field({ type: 'DateTime', required: false, description: 'Only bindings created strictly after this instant.' }),
  createdBefore: t.field({ type: 'DateTime', required: false, description: 'Only bindings created strictly before this instant.' }),
  updatedAfter: t.field({ type: 'DateTime', required: false, description: 'Only bindings last updated strictly after this instant.' }),
  updatedBefore: t.field({ type: 'DateTime', required: false, description: 'Only bindings last updated strictly before this instant.' }),
}));

export const identityFilterArgs = builder.args((t) => ({
  identity: t.stringList({ required: false, description: 'Only bindings of any of these identities.' }),
  identityPrefix: t.string({ required: false, description: 'Only bindings whose identity starts with this (case-sensitive).' }),
}));

export const bindingOrderArgs = builder.args((t) => ({
  orderBy: t.field({
    type: BindingOrderEnum,
    required: false,
    defaultValue: 'SID_ASC',
    description: 'Cursors are valid only in the order they were made for.',
  }),
}));
