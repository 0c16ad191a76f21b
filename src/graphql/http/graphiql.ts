import { renderGraphiQL, type YogaServerOptions } from 'graphql-yoga';
import { CSRF_HEADER } from './plugins.js';

const FAVICON = `data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><circle cx="8" cy="8" r="7" fill="#e10098"/></svg>',
)}`;

export const DEFAULT_QUERY = `# Set the Authorization header below (Headers tab), e.g.
# { "Authorization": "Basic <base64 of AccountSid:AuthToken>" }
# npm start prints the exact line for the demo account.

query FirstBindings {
  services(first: 5) {
    totalCount
    nodes {
      sid
      friendlyName
      bindings(first: 10, bindingType: [APN, FCM]) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges {
          node { sid identity bindingType endpoint messageTypes user { sid } credential { type } }
        }
      }
    }
  }
}
`;

/** The GraphiQL page GET /graphql serves to browsers (it loads without credentials). */
export const graphiql = {
  graphiql: {
    title: 'Bindings gateway',
    defaultQuery: DEFAULT_QUERY,
    // GraphiQL POSTs JSON; the header keeps it working should it use GET.
    additionalHeaders: { [CSRF_HEADER]: 'graphiql' },
  },
  // Yoga's page, with an inline icon instead of one from raw.githubusercontent.com.
  renderGraphiQL: (options) => renderGraphiQL(options).replace(/<link rel=icon [^>]*>/, `<link rel=icon href="${FAVICON}">`),
} satisfies YogaServerOptions<object, object>;
