/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query AuthWhoAmI { account { sid } }\n": typeof types.AuthWhoAmIDocument,
    "\n  query CursorServiceBindings($sid: String!, $first: Int, $after: String, $last: Int, $before: String) {\n    service(sid: $sid) {\n      sid\n      bindings(first: $first, after: $after, last: $last, before: $before) {\n        edges { cursor node { sid } }\n      }\n    }\n  }\n": typeof types.CursorServiceBindingsDocument,
    "\n  query CursorUserBindings($sid: String!, $user: String!, $first: Int, $after: String) {\n    service(sid: $sid) {\n      user(sid: $user) {\n        bindings(first: $first, after: $after) { edges { cursor node { sid } } }\n      }\n    }\n  }\n": typeof types.CursorUserBindingsDocument,
    "\n  query CursorServiceUsers($sid: String!, $first: Int, $after: String) {\n    service(sid: $sid) { users(first: $first, after: $after) { edges { cursor node { sid } } } }\n  }\n": typeof types.CursorServiceUsersDocument,
    "\n  query CursorServices($first: Int, $after: String) {\n    services(first: $first, after: $after) { edges { cursor node { sid } } }\n  }\n": typeof types.CursorServicesDocument,
    "\n  mutation DeleteBinding($id: ID!, $clientMutationId: ID) {\n    deleteBinding(input: { id: $id, clientMutationId: $clientMutationId }) {\n      deletedBindingId\n      clientMutationId\n      binding { ...BindingFields }\n      service { __typename id sid friendlyName }\n    }\n  }\n": typeof types.DeleteBindingDocument,
    "\n  mutation DeleteTwoBindings($first: ID!, $second: ID!) {\n    one: deleteBinding(input: { id: $first }) {\n      deletedBindingId\n      service { bindings(first: 1000) { totalCount nodes { sid } } }\n    }\n    two: deleteBinding(input: { id: $second }) {\n      deletedBindingId\n      service { bindings(first: 1000) { totalCount nodes { sid } } }\n    }\n  }\n": typeof types.DeleteTwoBindingsDocument,
    "\n  query DeleteAfterwards($id: ID!, $service: String!, $user: String!) {\n    node(id: $id) { id }\n    service(sid: $service) {\n      bindings(first: 1000) { totalCount nodes { sid } }\n      user(sid: $user) { bindings(first: 1000) { totalCount nodes { sid } } }\n    }\n  }\n": typeof types.DeleteAfterwardsDocument,
    "\n  query DeletePage($sid: String!, $first: Int, $after: String, $last: Int, $before: String) {\n    service(sid: $sid) {\n      bindings(first: $first, after: $after, last: $last, before: $before) {\n        edges { cursor node { sid } }\n        pageInfo { ...PageInfoFields }\n      }\n    }\n  }\n": typeof types.DeletePageDocument,
    "\n  query ErrorsCredentialAndService($credential: ID!, $service: String!) {\n    credential: node(id: $credential) { __typename id }\n    service(sid: $service) { sid }\n  }\n": typeof types.ErrorsCredentialAndServiceDocument,
    "\n  query FilteredBindings(\n    $sid: String!\n    $bindingType: [BindingType!]\n    $identity: [String!]\n    $first: Int\n    $after: String\n    $last: Int\n    $before: String\n  ) {\n    service(sid: $sid) {\n      bindings(bindingType: $bindingType, identity: $identity, first: $first, after: $after, last: $last, before: $before) {\n        totalCount\n        edges { cursor node { sid bindingType identity } }\n        nodes { sid }\n        pageInfo { ...PageInfoFields }\n      }\n    }\n  }\n": typeof types.FilteredBindingsDocument,
    "\n  query FilteredUserBindings($sid: String!, $bindingType: [BindingType!], $first: Int) {\n    service(sid: $sid) {\n      users(first: 100) {\n        totalCount\n        edges {\n          node {\n            sid\n            identity\n            bindings(bindingType: $bindingType, first: $first) {\n              totalCount\n              edges { node { sid bindingType userSid identity } }\n            }\n          }\n        }\n      }\n    }\n  }\n": typeof types.FilteredUserBindingsDocument,
    "\n  query FilteredUserBindingsCount($id: ID!, $bindingType: [BindingType!], $first: Int, $after: String, $last: Int, $before: String) {\n    node(id: $id) {\n      ... on User {\n        bindings(bindingType: $bindingType, first: $first, after: $after, last: $last, before: $before) {\n          totalCount\n          edges { cursor node { sid } }\n          pageInfo { ...PageInfoFields }\n        }\n      }\n    }\n  }\n": typeof types.FilteredUserBindingsCountDocument,
    "\n  fragment BindingFields on Binding {\n    __typename\n    id\n    sid\n    accountSid\n    serviceSid\n    userSid\n    identity\n    endpoint\n    bindingType\n    credentialSid\n    messageTypes\n    dateCreated\n    dateUpdated\n    service { sid }\n    user { sid identity }\n    credential { sid type }\n  }\n": typeof types.BindingFieldsFragmentDoc,
    "\n  fragment PageInfoFields on PageInfo {\n    hasNextPage\n    hasPreviousPage\n    startCursor\n    endCursor\n  }\n": typeof types.PageInfoFieldsFragmentDoc,
    "\n  query IsolationLookups($service: String!, $binding: ID!, $user: ID!, $credential: ID!, $account: ID!, $serviceId: ID!) {\n    service(sid: $service) { sid }\n    binding: node(id: $binding) { __typename id }\n    user: node(id: $user) { __typename id }\n    credential: node(id: $credential) { __typename id }\n    account: node(id: $account) { __typename id }\n    serviceNode: node(id: $serviceId) { __typename id }\n  }\n": typeof types.IsolationLookupsDocument,
    "\n  query IsolationNodes($ids: [ID!]!) {\n    nodes(ids: $ids) { __typename id }\n  }\n": typeof types.IsolationNodesDocument,
    "\n  query IsolationServices {\n    account { sid }\n    services(first: 1000) {\n      totalCount\n      nodes {\n        sid\n        accountSid\n        bindings(first: 1000) { totalCount nodes { sid accountSid } }\n        users(first: 1000) { totalCount nodes { sid serviceSid } }\n      }\n    }\n  }\n": typeof types.IsolationServicesDocument,
    "\n  query IsolationOwnService($service: String!, $foreignUser: String!, $foreignIdentity: String!) {\n    service(sid: $service) {\n      bySid: user(sid: $foreignUser) { sid }\n      byIdentity: user(identity: $foreignIdentity) { sid }\n      bindings(identity: [$foreignIdentity], first: 100) { totalCount nodes { sid } }\n    }\n  }\n": typeof types.IsolationOwnServiceDocument,
    "\n  mutation IsolationDelete($id: ID!) {\n    deleteBinding(input: { id: $id }) { deletedBindingId }\n  }\n": typeof types.IsolationDeleteDocument,
    "\n  query NPlusOneBindings($services: Int!, $bindings: Int!) {\n    services(first: $services) {\n      edges {\n        node {\n          sid\n          bindings(first: $bindings) {\n            edges { node { sid user { identity } credential { type } } }\n          }\n        }\n      }\n    }\n  }\n": typeof types.NPlusOneBindingsDocument,
    "\n  query NPlusOneUsers($services: Int!, $users: Int!, $bindings: Int!) {\n    services(first: $services) {\n      edges {\n        node {\n          sid\n          users(first: $users) {\n            edges {\n              node {\n                sid\n                bindings(first: $bindings) { totalCount edges { node { sid } } }\n              }\n            }\n          }\n        }\n      }\n    }\n  }\n": typeof types.NPlusOneUsersDocument,
    "\n  query NPlusOneNoTotals($bindings: Int!) {\n    services(first: 20) { edges { node { bindings(first: $bindings) { edges { node { sid } } } } } }\n  }\n": typeof types.NPlusOneNoTotalsDocument,
    "\n  query NPlusOneTotals($bindings: Int!) {\n    services(first: 20) { edges { node { bindings(first: $bindings) { totalCount edges { node { sid } } } } } }\n  }\n": typeof types.NPlusOneTotalsDocument,
    "\n  query NPlusOneThreeLevels($bindings: Int!) {\n    services(first: 20) {\n      nodes {\n        bindings(first: $bindings) {\n          nodes { sid user { sid bindings(first: 2) { totalCount nodes { sid } } } }\n        }\n      }\n    }\n  }\n": typeof types.NPlusOneThreeLevelsDocument,
    "\n  query NPlusOneNodes($ids: [ID!]!) {\n    nodes(ids: $ids) { __typename id }\n  }\n": typeof types.NPlusOneNodesDocument,
    "\n  query NPlusOneAccount { account { sid } }\n": typeof types.NPlusOneAccountDocument,
    "\n  query NodeById($id: ID!) {\n    node(id: $id) { ...NodeFields }\n  }\n": typeof types.NodeByIdDocument,
    "\n  query NodesByIds($ids: [ID!]!) {\n    nodes(ids: $ids) { ...NodeFields }\n  }\n": typeof types.NodesByIdsDocument,
    "\n  fragment NodeFields on Node {\n    __typename\n    id\n    ... on Account { sid friendlyName dateCreated dateUpdated }\n    ... on Service { sid accountSid friendlyName dateCreated dateUpdated }\n    ... on User { sid serviceSid identity optionalFriendlyName: friendlyName dateCreated dateUpdated service { sid } }\n    ... on Credential { sid accountSid optionalFriendlyName: friendlyName type sandbox dateCreated dateUpdated }\n    ... on Binding { ...BindingFields }\n  }\n": typeof types.NodeFieldsFragmentDoc,
    "\n  query NodesAccount { account { __typename id sid friendlyName dateCreated dateUpdated } }\n": typeof types.NodesAccountDocument,
    "\n  query NodesService($sid: String!) {\n    service(sid: $sid) { __typename id sid accountSid friendlyName dateCreated dateUpdated }\n  }\n": typeof types.NodesServiceDocument,
    "\n  query NodesServiceUser($service: String!, $identity: String, $sid: String) {\n    service(sid: $service) {\n      user(identity: $identity, sid: $sid) { __typename id sid serviceSid identity friendlyName }\n    }\n  }\n": typeof types.NodesServiceUserDocument,
    "\n  query NodesSameIdTwice($id: ID!) {\n    a: node(id: $id) { __typename id }\n    b: node(id: $id) { __typename id }\n    list: nodes(ids: [$id]) { __typename id }\n  }\n": typeof types.NodesSameIdTwiceDocument,
    "\n  query PagingServiceBindings($sid: String!, $first: Int, $after: String, $last: Int, $before: String) {\n    service(sid: $sid) {\n      bindings(first: $first, after: $after, last: $last, before: $before) {\n        edges { cursor node { sid } }\n        pageInfo { ...PageInfoFields }\n      }\n    }\n  }\n": typeof types.PagingServiceBindingsDocument,
    "\n  query PagingUserBindings($id: ID!, $first: Int, $after: String, $last: Int, $before: String) {\n    node(id: $id) {\n      __typename\n      ... on User {\n        bindings(first: $first, after: $after, last: $last, before: $before) {\n          edges { cursor node { sid } }\n          pageInfo { ...PageInfoFields }\n        }\n      }\n    }\n  }\n": typeof types.PagingUserBindingsDocument,
    "\n  query PagingServices($first: Int, $after: String, $last: Int, $before: String) {\n    services(first: $first, after: $after, last: $last, before: $before) {\n      edges { cursor node { sid } }\n      pageInfo { ...PageInfoFields }\n    }\n  }\n": typeof types.PagingServicesDocument,
    "\n  query PagingServiceUsers($sid: String!, $first: Int, $after: String, $last: Int, $before: String) {\n    service(sid: $sid) {\n      users(first: $first, after: $after, last: $last, before: $before) {\n        edges { cursor node { sid } }\n        pageInfo { ...PageInfoFields }\n      }\n    }\n  }\n": typeof types.PagingServiceUsersDocument,
    "\n  mutation RegisterBinding($input: RegisterBindingInput!) {\n    registerBinding(input: $input) {\n      created\n      clientMutationId\n      binding { ...BindingFields }\n    }\n  }\n": typeof types.RegisterBindingDocument,
    "\n  mutation RegisterBindingWithTotals($input: RegisterBindingInput!) {\n    registerBinding(input: $input) {\n      created\n      binding {\n        sid\n        service { bindings(first: 1) { totalCount } users(first: 1) { totalCount } }\n        user { bindings(first: 100) { totalCount nodes { sid } } }\n      }\n    }\n  }\n": typeof types.RegisterBindingWithTotalsDocument,
    "\n  query RegisterTotals($service: String!) {\n    service(sid: $service) {\n      bindings(first: 1) { totalCount }\n      fcm: bindings(first: 1, bindingType: [FCM]) { totalCount }\n      users(first: 1) { totalCount }\n    }\n  }\n": typeof types.RegisterTotalsDocument,
};
const documents: Documents = {
    "\n  query AuthWhoAmI { account { sid } }\n": types.AuthWhoAmIDocument,
    "\n  query CursorServiceBindings($sid: String!, $first: Int, $after: String, $last: Int, $before: String) {\n    service(sid: $sid) {\n      sid\n      bindings(first: $first, after: $after, last: $last, before: $before) {\n        edges { cursor node { sid } }\n      }\n    }\n  }\n": types.CursorServiceBindingsDocument,
    "\n  query CursorUserBindings($sid: String!, $user: String!, $first: Int, $after: String) {\n    service(sid: $sid) {\n      user(sid: $user) {\n        bindings(first: $first, after: $after) { edges { cursor node { sid } } }\n      }\n    }\n  }\n": types.CursorUserBindingsDocument,
    "\n  query CursorServiceUsers($sid: String!, $first: Int, $after: String) {\n    service(sid: $sid) { users(first: $first, after: $after) { edges { cursor node { sid } } } }\n  }\n": types.CursorServiceUsersDocument,
    "\n  query CursorServices($first: Int, $after: String) {\n    services(first: $first, after: $after) { edges { cursor node { sid } } }\n  }\n": types.CursorServicesDocument,
    "\n  mutation DeleteBinding($id: ID!, $clientMutationId: ID) {\n    deleteBinding(input: { id: $id, clientMutationId: $clientMutationId }) {\n      deletedBindingId\n      clientMutationId\n      binding { ...BindingFields }\n      service { __typename id sid friendlyName }\n    }\n  }\n": types.DeleteBindingDocument,
    "\n  mutation DeleteTwoBindings($first: ID!, $second: ID!) {\n    one: deleteBinding(input: { id: $first }) {\n      deletedBindingId\n      service { bindings(first: 1000) { totalCount nodes { sid } } }\n    }\n    two: deleteBinding(input: { id: $second }) {\n      deletedBindingId\n      service { bindings(first: 1000) { totalCount nodes { sid } } }\n    }\n  }\n": types.DeleteTwoBindingsDocument,
    "\n  query DeleteAfterwards($id: ID!, $service: String!, $user: String!) {\n    node(id: $id) { id }\n    service(sid: $service) {\n      bindings(first: 1000) { totalCount nodes { sid } }\n      user(sid: $user) { bindings(first: 1000) { totalCount nodes { sid } } }\n    }\n  }\n": types.DeleteAfterwardsDocument,
    "\n  query DeletePage($sid: String!, $first: Int, $after: String, $last: Int, $before: String) {\n    service(sid: $sid) {\n      bindings(first: $first, after: $after, last: $last, before: $before) {\n        edges { cursor node { sid } }\n        pageInfo { ...PageInfoFields }\n      }\n    }\n  }\n": types.DeletePageDocument,
    "\n  query ErrorsCredentialAndService($credential: ID!, $service: String!) {\n    credential: node(id: $credential) { __typename id }\n    service(sid: $service) { sid }\n  }\n": types.ErrorsCredentialAndServiceDocument,
    "\n  query FilteredBindings(\n    $sid: String!\n    $bindingType: [BindingType!]\n    $identity: [String!]\n    $first: Int\n    $after: String\n    $last: Int\n    $before: String\n  ) {\n    service(sid: $sid) {\n      bindings(bindingType: $bindingType, identity: $identity, first: $first, after: $after, last: $last, before: $before) {\n        totalCount\n        edges { cursor node { sid bindingType identity } }\n        nodes { sid }\n        pageInfo { ...PageInfoFields }\n      }\n    }\n  }\n": types.FilteredBindingsDocument,
    "\n  query FilteredUserBindings($sid: String!, $bindingType: [BindingType!], $first: Int) {\n    service(sid: $sid) {\n      users(first: 100) {\n        totalCount\n        edges {\n          node {\n            sid\n            identity\n            bindings(bindingType: $bindingType, first: $first) {\n              totalCount\n              edges { node { sid bindingType userSid identity } }\n            }\n          }\n        }\n      }\n    }\n  }\n": types.FilteredUserBindingsDocument,
    "\n  query FilteredUserBindingsCount($id: ID!, $bindingType: [BindingType!], $first: Int, $after: String, $last: Int, $before: String) {\n    node(id: $id) {\n      ... on User {\n        bindings(bindingType: $bindingType, first: $first, after: $after, last: $last, before: $before) {\n          totalCount\n          edges { cursor node { sid } }\n          pageInfo { ...PageInfoFields }\n        }\n      }\n    }\n  }\n": types.FilteredUserBindingsCountDocument,
    "\n  fragment BindingFields on Binding {\n    __typename\n    id\n    sid\n    accountSid\n    serviceSid\n    userSid\n    identity\n    endpoint\n    bindingType\n    credentialSid\n    messageTypes\n    dateCreated\n    dateUpdated\n    service { sid }\n    user { sid identity }\n    credential { sid type }\n  }\n": types.BindingFieldsFragmentDoc,
    "\n  fragment PageInfoFields on PageInfo {\n    hasNextPage\n    hasPreviousPage\n    startCursor\n    endCursor\n  }\n": types.PageInfoFieldsFragmentDoc,
    "\n  query IsolationLookups($service: String!, $binding: ID!, $user: ID!, $credential: ID!, $account: ID!, $serviceId: ID!) {\n    service(sid: $service) { sid }\n    binding: node(id: $binding) { __typename id }\n    user: node(id: $user) { __typename id }\n    credential: node(id: $credential) { __typename id }\n    account: node(id: $account) { __typename id }\n    serviceNode: node(id: $serviceId) { __typename id }\n  }\n": types.IsolationLookupsDocument,
    "\n  query IsolationNodes($ids: [ID!]!) {\n    nodes(ids: $ids) { __typename id }\n  }\n": types.IsolationNodesDocument,
    "\n  query IsolationServices {\n    account { sid }\n    services(first: 1000) {\n      totalCount\n      nodes {\n        sid\n        accountSid\n        bindings(first: 1000) { totalCount nodes { sid accountSid } }\n        users(first: 1000) { totalCount nodes { sid serviceSid } }\n      }\n    }\n  }\n": types.IsolationServicesDocument,
    "\n  query IsolationOwnService($service: String!, $foreignUser: String!, $foreignIdentity: String!) {\n    service(sid: $service) {\n      bySid: user(sid: $foreignUser) { sid }\n      byIdentity: user(identity: $foreignIdentity) { sid }\n      bindings(identity: [$foreignIdentity], first: 100) { totalCount nodes { sid } }\n    }\n  }\n": types.IsolationOwnServiceDocument,
    "\n  mutation IsolationDelete($id: ID!) {\n    deleteBinding(input: { id: $id }) { deletedBindingId }\n  }\n": types.IsolationDeleteDocument,
    "\n  query NPlusOneBindings($services: Int!, $bindings: Int!) {\n    services(first: $services) {\n      edges {\n        node {\n          sid\n          bindings(first: $bindings) {\n            edges { node { sid user { identity } credential { type } } }\n          }\n        }\n      }\n    }\n  }\n": types.NPlusOneBindingsDocument,
    "\n  query NPlusOneUsers($services: Int!, $users: Int!, $bindings: Int!) {\n    services(first: $services) {\n      edges {\n        node {\n          sid\n          users(first: $users) {\n            edges {\n              node {\n                sid\n                bindings(first: $bindings) { totalCount edges { node { sid } } }\n              }\n            }\n          }\n        }\n      }\n    }\n  }\n": types.NPlusOneUsersDocument,
    "\n  query NPlusOneNoTotals($bindings: Int!) {\n    services(first: 20) { edges { node { bindings(first: $bindings) { edges { node { sid } } } } } }\n  }\n": types.NPlusOneNoTotalsDocument,
    "\n  query NPlusOneTotals($bindings: Int!) {\n    services(first: 20) { edges { node { bindings(first: $bindings) { totalCount edges { node { sid } } } } } }\n  }\n": types.NPlusOneTotalsDocument,
    "\n  query NPlusOneThreeLevels($bindings: Int!) {\n    services(first: 20) {\n      nodes {\n        bindings(first: $bindings) {\n          nodes { sid user { sid bindings(first: 2) { totalCount nodes { sid } } } }\n        }\n      }\n    }\n  }\n": types.NPlusOneThreeLevelsDocument,
    "\n  query NPlusOneNodes($ids: [ID!]!) {\n    nodes(ids: $ids) { __typename id }\n  }\n": types.NPlusOneNodesDocument,
    "\n  query NPlusOneAccount { account { sid } }\n": types.NPlusOneAccountDocument,
    "\n  query NodeById($id: ID!) {\n    node(id: $id) { ...NodeFields }\n  }\n": types.NodeByIdDocument,
    "\n  query NodesByIds($ids: [ID!]!) {\n    nodes(ids: $ids) { ...NodeFields }\n  }\n": types.NodesByIdsDocument,
    "\n  fragment NodeFields on Node {\n    __typename\n    id\n    ... on Account { sid friendlyName dateCreated dateUpdated }\n    ... on Service { sid accountSid friendlyName dateCreated dateUpdated }\n    ... on User { sid serviceSid identity optionalFriendlyName: friendlyName dateCreated dateUpdated service { sid } }\n    ... on Credential { sid accountSid optionalFriendlyName: friendlyName type sandbox dateCreated dateUpdated }\n    ... on Binding { ...BindingFields }\n  }\n": types.NodeFieldsFragmentDoc,
    "\n  query NodesAccount { account { __typename id sid friendlyName dateCreated dateUpdated } }\n": types.NodesAccountDocument,
    "\n  query NodesService($sid: String!) {\n    service(sid: $sid) { __typename id sid accountSid friendlyName dateCreated dateUpdated }\n  }\n": types.NodesServiceDocument,
    "\n  query NodesServiceUser($service: String!, $identity: String, $sid: String) {\n    service(sid: $service) {\n      user(identity: $identity, sid: $sid) { __typename id sid serviceSid identity friendlyName }\n    }\n  }\n": types.NodesServiceUserDocument,
    "\n  query NodesSameIdTwice($id: ID!) {\n    a: node(id: $id) { __typename id }\n    b: node(id: $id) { __typename id }\n    list: nodes(ids: [$id]) { __typename id }\n  }\n": types.NodesSameIdTwiceDocument,
    "\n  query PagingServiceBindings($sid: String!, $first: Int, $after: String, $last: Int, $before: String) {\n    service(sid: $sid) {\n      bindings(first: $first, after: $after, last: $last, before: $before) {\n        edges { cursor node { sid } }\n        pageInfo { ...PageInfoFields }\n      }\n    }\n  }\n": types.PagingServiceBindingsDocument,
    "\n  query PagingUserBindings($id: ID!, $first: Int, $after: String, $last: Int, $before: String) {\n    node(id: $id) {\n      __typename\n      ... on User {\n        bindings(first: $first, after: $after, last: $last, before: $before) {\n          edges { cursor node { sid } }\n          pageInfo { ...PageInfoFields }\n        }\n      }\n    }\n  }\n": types.PagingUserBindingsDocument,
    "\n  query PagingServices($first: Int, $after: String, $last: Int, $before: String) {\n    services(first: $first, after: $after, last: $last, before: $before) {\n      edges { cursor node { sid } }\n      pageInfo { ...PageInfoFields }\n    }\n  }\n": types.PagingServicesDocument,
    "\n  query PagingServiceUsers($sid: String!, $first: Int, $after: String, $last: Int, $before: String) {\n    service(sid: $sid) {\n      users(first: $first, after: $after, last: $last, before: $before) {\n        edges { cursor node { sid } }\n        pageInfo { ...PageInfoFields }\n      }\n    }\n  }\n": types.PagingServiceUsersDocument,
    "\n  mutation RegisterBinding($input: RegisterBindingInput!) {\n    registerBinding(input: $input) {\n      created\n      clientMutationId\n      binding { ...BindingFields }\n    }\n  }\n": types.RegisterBindingDocument,
    "\n  mutation RegisterBindingWithTotals($input: RegisterBindingInput!) {\n    registerBinding(input: $input) {\n      created\n      binding {\n        sid\n        service { bindings(first: 1) { totalCount } users(first: 1) { totalCount } }\n        user { bindings(first: 100) { totalCount nodes { sid } } }\n      }\n    }\n  }\n": types.RegisterBindingWithTotalsDocument,
    "\n  query RegisterTotals($service: String!) {\n    service(sid: $service) {\n      bindings(first: 1) { totalCount }\n      fcm: bindings(first: 1, bindingType: [FCM]) { totalCount }\n      users(first: 1) { totalCount }\n    }\n  }\n": types.RegisterTotalsDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AuthWhoAmI { account { sid } }\n"): (typeof documents)["\n  query AuthWhoAmI { account { sid } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CursorServiceBindings($sid: String!, $first: Int, $after: String, $last: Int, $before: String) {\n    service(sid: $sid) {\n      sid\n      bindings(first: $first, after: $after, last: $last, before: $before) {\n        edges { cursor node { sid } }\n      }\n    }\n  }\n"): (typeof documents)["\n  query CursorServiceBindings($sid: String!, $first: Int, $after: String, $last: Int, $before: String) {\n    service(sid: $sid) {\n      sid\n      bindings(first: $first, after: $after, last: $last, before: $before) {\n        edges { cursor node { sid } }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CursorUserBindings($sid: String!, $user: String!, $first: Int, $after: String) {\n    service(sid: $sid) {\n      user(sid: $user) {\n        bindings(first: $first, after: $after) { edges { cursor node { sid } } }\n      }\n    }\n  }\n"): (typeof documents)["\n  query CursorUserBindings($sid: String!, $user: String!, $first: Int, $after: String) {\n    service(sid: $sid) {\n      user(sid: $user) {\n        bindings(first: $first, after: $after) { edges { cursor node { sid } } }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CursorServiceUsers($sid: String!, $first: Int, $after: String) {\n    service(sid: $sid) { users(first: $first, after: $after) { edges { cursor node { sid } } } }\n  }\n"): (typeof documents)["\n  query CursorServiceUsers($sid: String!, $first: Int, $after: String) {\n    service(sid: $sid) { users(first: $first, after: $after) { edges { cursor node { sid } } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CursorServices($first: Int, $after: String) {\n    services(first: $first, after: $after) { edges { cursor node { sid } } }\n  }\n"): (typeof documents)["\n  query CursorServices($first: Int, $after: String) {\n    services(first: $first, after: $after) { edges { cursor node { sid } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteBinding($id: ID!, $clientMutationId: ID) {\n    deleteBinding(input: { id: $id, clientMutationId: $clientMutationId }) {\n      deletedBindingId\n      clientMutationId\n      binding { ...BindingFields }\n      service { __typename id sid friendlyName }\n    }\n  }\n"): (typeof documents)["\n  mutation DeleteBinding($id: ID!, $clientMutationId: ID) {\n    deleteBinding(input: { id: $id, clientMutationId: $clientMutationId }) {\n      deletedBindingId\n      clientMutationId\n      binding { ...BindingFields }\n      service { __typename id sid friendlyName }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteTwoBindings($first: ID!, $second: ID!) {\n    one: deleteBinding(input: { id: $first }) {\n      deletedBindingId\n      service { bindings(first: 1000) { totalCount nodes { sid } } }\n    }\n    two: deleteBinding(input: { id: $second }) {\n      deletedBindingId\n      service { bindings(first: 1000) { totalCount nodes { sid } } }\n    }\n  }\n"): (typeof documents)["\n  mutation DeleteTwoBindings($first: ID!, $second: ID!) {\n    one: deleteBinding(input: { id: $first }) {\n      deletedBindingId\n      service { bindings(first: 1000) { totalCount nodes { sid } } }\n    }\n    two: deleteBinding(input: { id: $second }) {\n      deletedBindingId\n      service { bindings(first: 1000) { totalCount nodes { sid } } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DeleteAfterwards($id: ID!, $service: String!, $user: String!) {\n    node(id: $id) { id }\n    service(sid: $service) {\n      bindings(first: 1000) { totalCount nodes { sid } }\n      user(sid: $user) { bindings(first: 1000) { totalCount nodes { sid } } }\n    }\n  }\n"): (typeof documents)["\n  query DeleteAfterwards($id: ID!, $service: String!, $user: String!) {\n    node(id: $id) { id }\n    service(sid: $service) {\n      bindings(first: 1000) { totalCount nodes { sid } }\n      user(sid: $user) { bindings(first: 1000) { totalCount nodes { sid } } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DeletePage($sid: String!, $first: Int, $after: String, $last: Int, $before: String) {\n    service(sid: $sid) {\n      bindings(first: $first, after: $after, last: $last, before: $before) {\n        edges { cursor node { sid } }\n        pageInfo { ...PageInfoFields }\n      }\n    }\n  }\n"): (typeof documents)["\n  query DeletePage($sid: String!, $first: Int, $after: String, $last: Int, $before: String) {\n    service(sid: $sid) {\n      bindings(first: $first, after: $after, last: $last, before: $before) {\n        edges { cursor node { sid } }\n        pageInfo { ...PageInfoFields }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ErrorsCredentialAndService($credential: ID!, $service: String!) {\n    credential: node(id: $credential) { __typename id }\n    service(sid: $service) { sid }\n  }\n"): (typeof documents)["\n  query ErrorsCredentialAndService($credential: ID!, $service: String!) {\n    credential: node(id: $credential) { __typename id }\n    service(sid: $service) { sid }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query FilteredBindings(\n    $sid: String!\n    $bindingType: [BindingType!]\n    $identity: [String!]\n    $first: Int\n    $after: String\n    $last: Int\n    $before: String\n  ) {\n    service(sid: $sid) {\n      bindings(bindingType: $bindingType, identity: $identity, first: $first, after: $after, last: $last, before: $before) {\n        totalCount\n        edges { cursor node { sid bindingType identity } }\n        nodes { sid }\n        pageInfo { ...PageInfoFields }\n      }\n    }\n  }\n"): (typeof documents)["\n  query FilteredBindings(\n    $sid: String!\n    $bindingType: [BindingType!]\n    $identity: [String!]\n    $first: Int\n    $after: String\n    $last: Int\n    $before: String\n  ) {\n    service(sid: $sid) {\n      bindings(bindingType: $bindingType, identity: $identity, first: $first, after: $after, last: $last, before: $before) {\n        totalCount\n        edges { cursor node { sid bindingType identity } }\n        nodes { sid }\n        pageInfo { ...PageInfoFields }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query FilteredUserBindings($sid: String!, $bindingType: [BindingType!], $first: Int) {\n    service(sid: $sid) {\n      users(first: 100) {\n        totalCount\n        edges {\n          node {\n            sid\n            identity\n            bindings(bindingType: $bindingType, first: $first) {\n              totalCount\n              edges { node { sid bindingType userSid identity } }\n            }\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query FilteredUserBindings($sid: String!, $bindingType: [BindingType!], $first: Int) {\n    service(sid: $sid) {\n      users(first: 100) {\n        totalCount\n        edges {\n          node {\n            sid\n            identity\n            bindings(bindingType: $bindingType, first: $first) {\n              totalCount\n              edges { node { sid bindingType userSid identity } }\n            }\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query FilteredUserBindingsCount($id: ID!, $bindingType: [BindingType!], $first: Int, $after: String, $last: Int, $before: String) {\n    node(id: $id) {\n      ... on User {\n        bindings(bindingType: $bindingType, first: $first, after: $after, last: $last, before: $before) {\n          totalCount\n          edges { cursor node { sid } }\n          pageInfo { ...PageInfoFields }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query FilteredUserBindingsCount($id: ID!, $bindingType: [BindingType!], $first: Int, $after: String, $last: Int, $before: String) {\n    node(id: $id) {\n      ... on User {\n        bindings(bindingType: $bindingType, first: $first, after: $after, last: $last, before: $before) {\n          totalCount\n          edges { cursor node { sid } }\n          pageInfo { ...PageInfoFields }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment BindingFields on Binding {\n    __typename\n    id\n    sid\n    accountSid\n    serviceSid\n    userSid\n    identity\n    endpoint\n    bindingType\n    credentialSid\n    messageTypes\n    dateCreated\n    dateUpdated\n    service { sid }\n    user { sid identity }\n    credential { sid type }\n  }\n"): (typeof documents)["\n  fragment BindingFields on Binding {\n    __typename\n    id\n    sid\n    accountSid\n    serviceSid\n    userSid\n    identity\n    endpoint\n    bindingType\n    credentialSid\n    messageTypes\n    dateCreated\n    dateUpdated\n    service { sid }\n    user { sid identity }\n    credential { sid type }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment PageInfoFields on PageInfo {\n    hasNextPage\n    hasPreviousPage\n    startCursor\n    endCursor\n  }\n"): (typeof documents)["\n  fragment PageInfoFields on PageInfo {\n    hasNextPage\n    hasPreviousPage\n    startCursor\n    endCursor\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query IsolationLookups($service: String!, $binding: ID!, $user: ID!, $credential: ID!, $account: ID!, $serviceId: ID!) {\n    service(sid: $service) { sid }\n    binding: node(id: $binding) { __typename id }\n    user: node(id: $user) { __typename id }\n    credential: node(id: $credential) { __typename id }\n    account: node(id: $account) { __typename id }\n    serviceNode: node(id: $serviceId) { __typename id }\n  }\n"): (typeof documents)["\n  query IsolationLookups($service: String!, $binding: ID!, $user: ID!, $credential: ID!, $account: ID!, $serviceId: ID!) {\n    service(sid: $service) { sid }\n    binding: node(id: $binding) { __typename id }\n    user: node(id: $user) { __typename id }\n    credential: node(id: $credential) { __typename id }\n    account: node(id: $account) { __typename id }\n    serviceNode: node(id: $serviceId) { __typename id }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query IsolationNodes($ids: [ID!]!) {\n    nodes(ids: $ids) { __typename id }\n  }\n"): (typeof documents)["\n  query IsolationNodes($ids: [ID!]!) {\n    nodes(ids: $ids) { __typename id }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query IsolationServices {\n    account { sid }\n    services(first: 1000) {\n      totalCount\n      nodes {\n        sid\n        accountSid\n        bindings(first: 1000) { totalCount nodes { sid accountSid } }\n        users(first: 1000) { totalCount nodes { sid serviceSid } }\n      }\n    }\n  }\n"): (typeof documents)["\n  query IsolationServices {\n    account { sid }\n    services(first: 1000) {\n      totalCount\n      nodes {\n        sid\n        accountSid\n        bindings(first: 1000) { totalCount nodes { sid accountSid } }\n        users(first: 1000) { totalCount nodes { sid serviceSid } }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query IsolationOwnService($service: String!, $foreignUser: String!, $foreignIdentity: String!) {\n    service(sid: $service) {\n      bySid: user(sid: $foreignUser) { sid }\n      byIdentity: user(identity: $foreignIdentity) { sid }\n      bindings(identity: [$foreignIdentity], first: 100) { totalCount nodes { sid } }\n    }\n  }\n"): (typeof documents)["\n  query IsolationOwnService($service: String!, $foreignUser: String!, $foreignIdentity: String!) {\n    service(sid: $service) {\n      bySid: user(sid: $foreignUser) { sid }\n      byIdentity: user(identity: $foreignIdentity) { sid }\n      bindings(identity: [$foreignIdentity], first: 100) { totalCount nodes { sid } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation IsolationDelete($id: ID!) {\n    deleteBinding(input: { id: $id }) { deletedBindingId }\n  }\n"): (typeof documents)["\n  mutation IsolationDelete($id: ID!) {\n    deleteBinding(input: { id: $id }) { deletedBindingId }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query NPlusOneBindings($services: Int!, $bindings: Int!) {\n    services(first: $services) {\n      edges {\n        node {\n          sid\n          bindings(first: $bindings) {\n            edges { node { sid user { identity } credential { type } } }\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query NPlusOneBindings($services: Int!, $bindings: Int!) {\n    services(first: $services) {\n      edges {\n        node {\n          sid\n          bindings(first: $bindings) {\n            edges { node { sid user { identity } credential { type } } }\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query NPlusOneUsers($services: Int!, $users: Int!, $bindings: Int!) {\n    services(first: $services) {\n      edges {\n        node {\n          sid\n          users(first: $users) {\n            edges {\n              node {\n                sid\n                bindings(first: $bindings) { totalCount edges { node { sid } } }\n              }\n            }\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query NPlusOneUsers($services: Int!, $users: Int!, $bindings: Int!) {\n    services(first: $services) {\n      edges {\n        node {\n          sid\n          users(first: $users) {\n            edges {\n              node {\n                sid\n                bindings(first: $bindings) { totalCount edges { node { sid } } }\n              }\n            }\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query NPlusOneNoTotals($bindings: Int!) {\n    services(first: 20) { edges { node { bindings(first: $bindings) { edges { node { sid } } } } } }\n  }\n"): (typeof documents)["\n  query NPlusOneNoTotals($bindings: Int!) {\n    services(first: 20) { edges { node { bindings(first: $bindings) { edges { node { sid } } } } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query NPlusOneTotals($bindings: Int!) {\n    services(first: 20) { edges { node { bindings(first: $bindings) { totalCount edges { node { sid } } } } } }\n  }\n"): (typeof documents)["\n  query NPlusOneTotals($bindings: Int!) {\n    services(first: 20) { edges { node { bindings(first: $bindings) { totalCount edges { node { sid } } } } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query NPlusOneThreeLevels($bindings: Int!) {\n    services(first: 20) {\n      nodes {\n        bindings(first: $bindings) {\n          nodes { sid user { sid bindings(first: 2) { totalCount nodes { sid } } } }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query NPlusOneThreeLevels($bindings: Int!) {\n    services(first: 20) {\n      nodes {\n        bindings(first: $bindings) {\n          nodes { sid user { sid bindings(first: 2) { totalCount nodes { sid } } } }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query NPlusOneNodes($ids: [ID!]!) {\n    nodes(ids: $ids) { __typename id }\n  }\n"): (typeof documents)["\n  query NPlusOneNodes($ids: [ID!]!) {\n    nodes(ids: $ids) { __typename id }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query NPlusOneAccount { account { sid } }\n"): (typeof documents)["\n  query NPlusOneAccount { account { sid } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query NodeById($id: ID!) {\n    node(id: $id) { ...NodeFields }\n  }\n"): (typeof documents)["\n  query NodeById($id: ID!) {\n    node(id: $id) { ...NodeFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query NodesByIds($ids: [ID!]!) {\n    nodes(ids: $ids) { ...NodeFields }\n  }\n"): (typeof documents)["\n  query NodesByIds($ids: [ID!]!) {\n    nodes(ids: $ids) { ...NodeFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment NodeFields on Node {\n    __typename\n    id\n    ... on Account { sid friendlyName dateCreated dateUpdated }\n    ... on Service { sid accountSid friendlyName dateCreated dateUpdated }\n    ... on User { sid serviceSid identity optionalFriendlyName: friendlyName dateCreated dateUpdated service { sid } }\n    ... on Credential { sid accountSid optionalFriendlyName: friendlyName type sandbox dateCreated dateUpdated }\n    ... on Binding { ...BindingFields }\n  }\n"): (typeof documents)["\n  fragment NodeFields on Node {\n    __typename\n    id\n    ... on Account { sid friendlyName dateCreated dateUpdated }\n    ... on Service { sid accountSid friendlyName dateCreated dateUpdated }\n    ... on User { sid serviceSid identity optionalFriendlyName: friendlyName dateCreated dateUpdated service { sid } }\n    ... on Credential { sid accountSid optionalFriendlyName: friendlyName type sandbox dateCreated dateUpdated }\n    ... on Binding { ...BindingFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query NodesAccount { account { __typename id sid friendlyName dateCreated dateUpdated } }\n"): (typeof documents)["\n  query NodesAccount { account { __typename id sid friendlyName dateCreated dateUpdated } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query NodesService($sid: String!) {\n    service(sid: $sid) { __typename id sid accountSid friendlyName dateCreated dateUpdated }\n  }\n"): (typeof documents)["\n  query NodesService($sid: String!) {\n    service(sid: $sid) { __typename id sid accountSid friendlyName dateCreated dateUpdated }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query NodesServiceUser($service: String!, $identity: String, $sid: String) {\n    service(sid: $service) {\n      user(identity: $identity, sid: $sid) { __typename id sid serviceSid identity friendlyName }\n    }\n  }\n"): (typeof documents)["\n  query NodesServiceUser($service: String!, $identity: String, $sid: String) {\n    service(sid: $service) {\n      user(identity: $identity, sid: $sid) { __typename id sid serviceSid identity friendlyName }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query NodesSameIdTwice($id: ID!) {\n    a: node(id: $id) { __typename id }\n    b: node(id: $id) { __typename id }\n    list: nodes(ids: [$id]) { __typename id }\n  }\n"): (typeof documents)["\n  query NodesSameIdTwice($id: ID!) {\n    a: node(id: $id) { __typename id }\n    b: node(id: $id) { __typename id }\n    list: nodes(ids: [$id]) { __typename id }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PagingServiceBindings($sid: String!, $first: Int, $after: String, $last: Int, $before: String) {\n    service(sid: $sid) {\n      bindings(first: $first, after: $after, last: $last, before: $before) {\n        edges { cursor node { sid } }\n        pageInfo { ...PageInfoFields }\n      }\n    }\n  }\n"): (typeof documents)["\n  query PagingServiceBindings($sid: String!, $first: Int, $after: String, $last: Int, $before: String) {\n    service(sid: $sid) {\n      bindings(first: $first, after: $after, last: $last, before: $before) {\n        edges { cursor node { sid } }\n        pageInfo { ...PageInfoFields }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PagingUserBindings($id: ID!, $first: Int, $after: String, $last: Int, $before: String) {\n    node(id: $id) {\n      __typename\n      ... on User {\n        bindings(first: $first, after: $after, last: $last, before: $before) {\n          edges { cursor node { sid } }\n          pageInfo { ...PageInfoFields }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query PagingUserBindings($id: ID!, $first: Int, $after: String, $last: Int, $before: String) {\n    node(id: $id) {\n      __typename\n      ... on User {\n        bindings(first: $first, after: $after, last: $last, before: $before) {\n          edges { cursor node { sid } }\n          pageInfo { ...PageInfoFields }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PagingServices($first: Int, $after: String, $last: Int, $before: String) {\n    services(first: $first, after: $after, last: $last, before: $before) {\n      edges { cursor node { sid } }\n      pageInfo { ...PageInfoFields }\n    }\n  }\n"): (typeof documents)["\n  query PagingServices($first: Int, $after: String, $last: Int, $before: String) {\n    services(first: $first, after: $after, last: $last, before: $before) {\n      edges { cursor node { sid } }\n      pageInfo { ...PageInfoFields }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PagingServiceUsers($sid: String!, $first: Int, $after: String, $last: Int, $before: String) {\n    service(sid: $sid) {\n      users(first: $first, after: $after, last: $last, before: $before) {\n        edges { cursor node { sid } }\n        pageInfo { ...PageInfoFields }\n      }\n    }\n  }\n"): (typeof documents)["\n  query PagingServiceUsers($sid: String!, $first: Int, $after: String, $last: Int, $before: String) {\n    service(sid: $sid) {\n      users(first: $first, after: $after, last: $last, before: $before) {\n        edges { cursor node { sid } }\n        pageInfo { ...PageInfoFields }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RegisterBinding($input: RegisterBindingInput!) {\n    registerBinding(input: $input) {\n      created\n      clientMutationId\n      binding { ...BindingFields }\n    }\n  }\n"): (typeof documents)["\n  mutation RegisterBinding($input: RegisterBindingInput!) {\n    registerBinding(input: $input) {\n      created\n      clientMutationId\n      binding { ...BindingFields }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RegisterBindingWithTotals($input: RegisterBindingInput!) {\n    registerBinding(input: $input) {\n      created\n      binding {\n        sid\n        service { bindings(first: 1) { totalCount } users(first: 1) { totalCount } }\n        user { bindings(first: 100) { totalCount nodes { sid } } }\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation RegisterBindingWithTotals($input: RegisterBindingInput!) {\n    registerBinding(input: $input) {\n      created\n      binding {\n        sid\n        service { bindings(first: 1) { totalCount } users(first: 1) { totalCount } }\n        user { bindings(first: 100) { totalCount nodes { sid } } }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RegisterTotals($service: String!) {\n    service(sid: $service) {\n      bindings(first: 1) { totalCount }\n      fcm: bindings(first: 1, bindingType: [FCM]) { totalCount }\n      users(first: 1) { totalCount }\n    }\n  }\n"): (typeof documents)["\n  query RegisterTotals($service: String!) {\n    service(sid: $service) {\n      bindings(first: 1) { totalCount }\n      fcm: bindings(first: 1, bindingType: [FCM]) { totalCount }\n      users(first: 1) { totalCount }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;