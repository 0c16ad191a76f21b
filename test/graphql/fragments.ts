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
