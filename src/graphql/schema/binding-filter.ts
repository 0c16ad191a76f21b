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

type SchemaTypes = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;
/** Arguments and input-object fields are declared alike: one definition serves both. */
type FieldBuilder = PothosSchemaTypes.InputFieldBuilder<SchemaTypes, 'Arg' | 'InputObject'>;

function filterFields<T extends FieldBuilder>(t: T) {
  return {
    bindingType: t.field({ type: [BindingTypeEnum], required: false, description: 'Only bindings of any of these types.' }),
    credentialSid: t.stringList({ required: false, description: 'Only bindings of any of these credentials (CR…).' }),
    createdAfter: t.field({ type: 'DateTime', required: false, description: 'Only bindings created strictly after this instant.' }),
    createdBefore: t.field({ type: 'DateTime', required: false, description: 'Only bindings created strictly before this instant.' }),
    updatedAfter: t.field({ type: 'DateTime', required: false, description: 'Only bindings last updated strictly after this instant.' }),
    updatedBefore: t.field({ type: 'DateTime', required: false, description: 'Only bindings last updated strictly before this instant.' }),
  };
}

function identityFields<T extends FieldBuilder>(t: T) {
  return {
    identity: t.stringList({ required: false, description: 'Only bindings of any of these identities.' }),
    identityPrefix: t.string({ required: false, description: 'Only bindings whose identity starts with this (case-sensitive).' }),
  };
}

/** The filters both bindings lists (and their statistics) take; `Service.bindings` adds `identity` and `identityPrefix`. */
export const bindingFilterArgs = builder.args((t) => filterFields(t));

export const identityFilterArgs = builder.args((t) => identityFields(t));

/** Every filter of Service.bindings, as one input object (pruneBindings' `filter`). */
export const BindingFilterInput = builder.inputType('BindingFilterInput', {
  description:
    'The filters of Service.bindings, as an input. Conditions combine with AND; a list keeps bindings matching any of its values. Pruning needs at least one condition.',
  fields: (t) => ({ ...filterFields(t), ...identityFields(t) }),
});

export const bindingOrderArgs = builder.args((t) => ({
  orderBy: t.field({
    type: BindingOrderEnum,
    required: false,
    defaultValue: 'SID_ASC',
    description: 'Cursors are valid only in the order they were made for.',
  }),
}));
