// @ts-check
// A counting TCP proxy in front of PostgreSQL: it forwards bytes unchanged
// and reads the frontend side of the wire protocol to count SQL statements.
// A statement is one simple-protocol Query ('Q') or one extended-protocol
// Execute ('E'); the text of an Execute is found through its portal (Bind)
// and prepared statement (Parse), so named prepared statements count too.
// This needs no server configuration (pg_stat_statements is usually not
// preloaded) and sees exactly what each contender sends.

import net from 'node:net';

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;

export function classify(sql) {
  if (/^\s*(BEGIN|COMMIT|ROLLBACK|START|SAVEPOINT|RELEASE|END)\b/i.test(sql)) return 'transaction';
  if (/^\s*(SET|RESET|DISCARD|DEALLOCATE)\b/i.test(sql) || /^\s*select\s+set_config\(/i.test(sql)) return 'session';
  // The gateway's background work, not per request: its credential-change listener on its own
  // connection (LISTEN, its probe and heartbeat), and the prune runner polling for jobs. Through
  // the one counting proxy, the poll would otherwise land on whichever contender runs meanwhile.
  if (/^\s*(LISTEN|UNLISTEN)\b/i.test(sql) || /^\s*SELECT (1|current_schema\(\) AS schema|pg_notify\(\$1, \$2\))\s*$/i.test(sql)) return 'listener';
  if (/"prune_jobs"|\bprune_jobs\b/i.test(sql)) return 'listener';
  if (/"accounts"|\bFROM\s+accounts\b|"api_keys"|\bFROM\s+api_keys\b/i.test(sql)) return 'auth';
  return 'data';
}

export class SqlCountingProxy {
  /** @param {{ targetHost: string, targetPort: number }} target */
  constructor({ targetHost, targetPort }) {
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    /** @type {Set<net.Socket>} */
    this.sockets = new Set();
    /** @type {net.Server | undefined} */
    this.server = undefined;
    /** @type {Record<'total' | ReturnType<typeof classify>, number>} */
    this.counts = { total: 0, transaction: 0, session: 0, listener: 0, auth: 0, data: 0 };
    /** @type {Map<string, number>} statement text → how many times it ran */
    this.texts = new Map();
  }

  reset() {
    this.counts = { total: 0, transaction: 0, session: 0, listener: 0, auth: 0, data: 0 };
    this.texts = new Map();
  }

  snapshot() {
    return { ...this.counts, texts: [...this.texts.entries()].map(([sql, n]) => ({ n, sql })) };
  }

  count(sql) {
    const kind = classify(sql);
    this.counts.total++;
    this.counts[kind]++;
    const key = sql.replace(/\s+/g, ' ').trim().slice(0, 400);
    this.texts.set(key, (this.texts.get(key) ?? 0) + 1);
  }

  /** @returns {Promise<number>} the port it listens on */
  listen(port = 0, host = '127.0.0.1') {
    const server = net.createServer((client) => this.connection(client));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve(/** @type {net.AddressInfo} */ (server.address()).port));
    });
  }

  /** @returns {Promise<void>} */
  close() {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  connection(client) {
    const upstream = net.connect(this.targetPort, this.targetHost);
    this.sockets.add(client);
    this.sockets.add(upstream);
    const statements = new Map();
    const portals = new Map();
    let buffer = Buffer.alloc(0);
    let startup = true;
    const onMessage = (type, body) => {
      if (type === 'Q') {
        this.count(cstring(body, 0).value);
      } else if (type === 'P') {
        const name = cstring(body, 0);
        statements.set(name.value, cstring(body, name.next).value);
      } else if (type === 'B') {
        const portal = cstring(body, 0);
        const statement = cstring(body, portal.next);
        portals.set(portal.value, statements.get(statement.value) ?? '');
      } else if (type === 'E') {
        this.count(portals.get(cstring(body, 0).value) ?? '');
      } else if (type === 'C' && body[0] === 0x53 /* 'S' */) {
        statements.delete(cstring(body, 1).value);
      }
    };
    client.on('data', (chunk) => {
      upstream.write(chunk);
      buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
      for (;;) {
        if (startup) {
          if (buffer.length < 8) break;
          const len = buffer.readInt32BE(0);
          if (buffer.length < len) break;
          const code = buffer.readInt32BE(4);
          buffer = buffer.subarray(len);
          if (code !== SSL_REQUEST && code !== GSSENC_REQUEST) startup = false;
          continue;
        }
        if (buffer.length < 5) break;
        const len = buffer.readInt32BE(1);
        if (buffer.length < 1 + len) break;
        onMessage(String.fromCharCode(buffer[0]), buffer.subarray(5, 1 + len));
        buffer = buffer.subarray(1 + len);
      }
    });
    upstream.on('data', (chunk) => client.write(chunk));
    const end = () => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', end);
    upstream.on('error', end);
  }
}

function cstring(buf, start) {
  const end = buf.indexOf(0, start);
  const stop = end < 0 ? buf.length : end;
  return { value: buf.toString('utf8', start, stop), next: stop + 1 };
}
