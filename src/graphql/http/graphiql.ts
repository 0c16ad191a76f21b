import type { GraphiQLOptions, Plugin, YogaServerOptions } from 'graphql-yoga';
import { graphiqlAssets } from './graphiql-assets.js';
import { CSRF_HEADER } from './plugins.js';

const FAVICON = `data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><circle cx="8" cy="8" r="7" fill="#e10098"/></svg>',
)}`;

export const DEFAULT_QUERY = `# Set the Authorization header below (Headers tab), e.g.
# { "Authorization": "Basic <base64 of AccountSid:AuthToken>" }
# npm start prints the exact line for the demo account.
# Then re-fetch the schema (bottom left) for completion and Docs.

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

/**
 * What the Headers tab starts with: a template, never real credentials (the
 * page is served to anyone; the gateway keeps only hashes of tokens).
 */
export const DEFAULT_HEADERS = '{\n  "Authorization": "Basic <base64 of AccountSid:AuthToken>"\n}';

const OPTIONS: GraphiQLOptions = {
  title: 'Bindings gateway',
  defaultQuery: DEFAULT_QUERY,
  headers: DEFAULT_HEADERS,
  // The Headers tab open, not Variables: the first thing to fill in.
  defaultEditorToolsVisibility: 'headers',
  // GraphiQL POSTs JSON; the header keeps it working should it use GET.
  additionalHeaders: { [CSRF_HEADER]: 'graphiql' },
  // Credentials only from the Headers tab: no browser login prompt on the 401
  // (its WWW-Authenticate), no cached Basic credentials sent on their own.
  credentials: 'omit',
  // Headers (the Authorization line) stay in the tab, not in localStorage.
  shouldPersistHeaders: false,
};

/** Where the page's scripts and stylesheet are, relative to the page (see graphiqlPage). */
type PageOptions = GraphiQLOptions & { assets: string };

/**
 * The GraphiQL page GET /graphql serves to browsers (it loads without
 * credentials), and the plugin that serves its files. The page refers only to
 * the gateway's own files, by relative URLs: it works offline and under a
 * path prefix (PUBLIC_URL), and GraphiQL posts to the page's own path.
 */
export function graphiqlPage(endpoint: string): { options: Pick<YogaServerOptions<object, object>, 'graphiql' | 'renderGraphiQL'>; plugin: Plugin } {
  const assets = graphiqlAssets(endpoint);
  const name = endpoint.slice(endpoint.lastIndexOf('/') + 1);
  return {
    options: {
      // `/graphql` and `/graphql/` both serve the page; relative URLs differ.
      graphiql: (request): PageOptions => ({ ...OPTIONS, assets: new URL(request.url).pathname.endsWith('/') ? assets.folder : `${name}/${assets.folder}` }),
      renderGraphiQL: (options) => {
        const { assets: folder, ...graphiql } = options as PageOptions;
        return page(folder, graphiql);
      },
    },
    plugin: assets.plugin,
  };
}

function page(folder: string, options: GraphiQLOptions): string {
  const title = escapeHtml(options.title ?? 'GraphiQL');
  // Data, not script: `<` escaped so that no `</script>` ends it early.
  // Yoga's GraphiQL opens `query` (else its own welcome text), not `defaultQuery`.
  const json = JSON.stringify({ ...options, query: options.defaultQuery }).replaceAll('<', '\\u003c');
  return `<!doctype html><html lang=en><head><meta charset=utf-8><title>${title}</title>\
<link rel=icon href="${FAVICON}">\
<link rel=stylesheet href="${folder}graphiql.css"></head>\
<body id=body class=no-focus-outline><noscript>You need to enable JavaScript to run GraphiQL.</noscript><div id=root>Loading ${title}...</div>\
<script type=application/json id=graphiql-options>${json}</script>\
<script src="${folder}boot.js"></script>\
<script src="${folder}yoga-graphiql.js"></script>\
</body></html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
