import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Plugin } from 'graphql-yoga';

/**
 * GraphiQL's files, served by the gateway itself under `<endpoint>/graphiql/<build>/`
 * so that the page works without internet and its CSP names no other host.
 */
export interface GraphiQLAssets {
  /** The folder the page refers to, relative to `<endpoint>/` (e.g. `graphiql/3f2a9c0b51d7/`). */
  folder: string;
  /** Answers GET/HEAD `<endpoint>/graphiql/…`. */
  plugin: Plugin;
}

interface Asset {
  body: Uint8Array<ArrayBuffer>;
  contentType: string;
  etag: string;
}

// @graphql-yoga/graphiql: the self-contained bundle yoga's own page loads from unpkg, read from node_modules (no CDN, no build step).
const require = createRequire(import.meta.url);

/** Served name: file in the package's dist folder (yoga's worker file name has the double dot). */
const PACKAGE_FILES: Record<string, string> = {
  'yoga-graphiql.js': 'yoga-graphiql.umd.js',
  'graphiql.css': 'graphiql.css',
  'editor.worker.js': 'monacoeditorwork/editor.worker.bundle.js',
  'json.worker.js': 'monacoeditorwork/json.worker.bundle.js',
  'graphql.worker.js': 'monacoeditorwork/graphql.worker..bundle.js',
};

/**
 * Boots GraphiQL from an external script, so that the page has no inline
 * script (its CSP allows scripts from 'self' only, no hash or nonce). It runs
 * before the bundle: Monaco's editor workers come from this same folder.
 */
export const BOOT_SCRIPT = `'use strict';
(() => {
  const folder = document.currentScript.src;
  const workers = { editorWorkerService: 'editor.worker.js', json: 'json.worker.js', graphql: 'graphql.worker.js' };
  self.MonacoEnvironment = {
    globalAPI: false,
    getWorkerUrl: (_moduleId, label) => new URL(workers[label] ?? workers.editorWorkerService, folder).href,
  };
  addEventListener('DOMContentLoaded', () => {
    const options = JSON.parse(document.getElementById('graphiql-options').textContent);
    YogaGraphiQL.renderYogaGraphiQL(document.getElementById('root'), options);
  });
})();
`;

/** A year: the folder's name changes with any file's content. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

const JS = 'text/javascript; charset=utf-8';

let loaded: { build: string; files: Map<string, Asset> } | undefined;

/** Reads the files once per process (about 9 MB), at startup: a missing package fails there, not in a browser. */
function load(): NonNullable<typeof loaded> {
  if (loaded) return loaded;
  const dist = dirname(require.resolve('@graphql-yoga/graphiql'));
  const files = new Map<string, Asset>();
  const add = (name: string, content: Uint8Array) => {
    // A copy over its own ArrayBuffer (what a Response body takes; Node's file buffers may share a pool).
    const body = new Uint8Array(content);
    const contentType = name.endsWith('.css') ? 'text/css; charset=utf-8' : JS;
    files.set(name, { body, contentType, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` });
  };
  for (const [name, file] of Object.entries(PACKAGE_FILES)) add(name, readFileSync(join(dist, file)));
  add('boot.js', Buffer.from(BOOT_SCRIPT));
  const build = createHash('sha256')
    .update([...files].map(([name, asset]) => `${name} ${asset.etag}`).join('\n'))
    .digest('hex')
    .slice(0, 12);
  loaded = { build, files };
  return loaded;
}

export function graphiqlAssets(endpoint: string): GraphiQLAssets {
  const { build, files } = load();
  const prefix = `${endpoint}/graphiql/`;
  const folder = `${prefix}${build}/`;
  return {
    folder: folder.slice(endpoint.length + 1),
    plugin: {
      onRequest({ request, url, endResponse }) {
        if (!url.pathname.startsWith(prefix)) return;
        // Another build's folder is a 404, not this build's files under a name cached for a year.
        const asset = url.pathname.startsWith(folder) ? files.get(url.pathname.slice(folder.length)) : undefined;
        // Without a content type, the GraphQL door words it as a GraphQL error.
        if (!asset) return endResponse(new Response(null, { status: 404 }));
        if (request.method !== 'GET' && request.method !== 'HEAD') return endResponse(new Response(null, { status: 405, headers: { allow: 'GET, HEAD' } }));
        const headers = { etag: asset.etag, 'cache-control': IMMUTABLE };
        if (request.headers.get('if-none-match')?.includes(asset.etag)) return endResponse(new Response(null, { status: 304, headers }));
        endResponse(
          new Response(request.method === 'HEAD' ? null : asset.body, {
            status: 200,
            headers: { ...headers, 'content-type': asset.contentType, 'content-length': String(asset.body.length) },
          }),
        );
      },
    },
  };
}
