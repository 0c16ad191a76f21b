import type { Binding } from '../../src/domain/bindings.js';
import { graphql } from '../gql/index.js';

/** Every scalar field of a binding, plus its relations' keys. */
export const BindingFields = graphql(`
  fragment BindingFields on Binding {
    __typename
    id
    sid
    accountSid
    serviceSid
    userSid
    identity
    endpoint
    bindingType
    credentialSid
    messageTypes
    dateCreated
    dateUpdated
    service { sid }
    user { sid identity }
    credential { sid type }
  }
`);

export const PageInfoFields = graphql(`
  fragment PageInfoFields on PageInfo {
    hasNextPage
    hasPreviousPage
    startCursor
    endCursor
  }
`);

/** A binding row as GraphQL answers its scalar fields (with `__typename` and `id`). */
export function bindingScalarsJson(b: Binding) {
  return {
    __typename: 'Binding',
    id: b.sid,
    sid: b.sid,
    accountSid: b.accountSid,
    serviceSid: b.serviceSid,
    userSid: b.userSid,
    identity: b.identity,
    endpoint: b.endpoint,
    bindingType: b.bindingType.toUpperCase(),
    credentialSid: b.credentialSid,
    messageTypes: b.messageTypes,
    dateCreated: b.dateCreated.toISOString(),
    dateUpdated: b.dateUpdated.toISOString(),
  };
}

/** A binding row as GraphQL answers `BindingFields`, given its user and credential. */
export function bindingFieldsJson(b: Binding, user: { sid: string; identity: string }, credential: { sid: string; type: string } | null) {
  return {
    ...bindingScalarsJson(b),
    service: { sid: b.serviceSid },
    user,
    credential: credential && { sid: credential.sid, type: credential.type.toUpperCase() },
  };
}
