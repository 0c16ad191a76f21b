/**
 * A TCP proxy on 127.0.0.1 in front of a server (Postgres), that a test can
 * cut like a network or database outage and restore.
 */
import net, { type AddressInfo } from 'node:net';

export type CutMode =
  /** New connections are refused (nothing listens on the port: ECONNREFUSED, as for a database that is down). */
  | 'refuse'
  /** New connections are accepted, then reset at once. */
  | 'reset'
  /** New connections are accepted and never answered (a host or network gone silent). */
  | 'blackhole';

export interface TcpProxy {
  /** The proxy's port on 127.0.0.1. */
  port: number;
  /** `url` with its host and port replaced by the proxy's. */
  urlFor(url: string): string;
  /** Destroys every connection through the proxy, and treats new ones as `mode` says until restore(). */
  cut(mode?: CutMode): Promise<void>;
  /** Forwards new connections again. */
  restore(): Promise<void>;
  /** Connections accepted since the proxy started (forwarded or not). */
  readonly accepted: number;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  let mode: CutMode | undefined;
  let accepted = 0;
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    // Errors of either side end the pair; they are the point of the proxy, not failures of the test.
    socket.on('error', () => {});
  };

  const server = net.createServer((client) => {
    accepted += 1;
    track(client);
    if (mode === 'reset' || mode === 'refuse') {
      client.resetAndDestroy();
      return;
    }
    if (mode === 'blackhole') return; // held open, read from, never answered
    const upstream = net.connect(target.port, target.host);
    track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  const listen = (onPort: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(onPort, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  const stopListening = () => new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
  await listen(0);
  const port = (server.address() as AddressInfo).port;

  return {
    port,
    urlFor(url) {
      const u = new URL(url);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.href;
    },
    async cut(cutMode = 'refuse') {
      mode = cutMode;
      const closing = cutMode === 'refuse' ? stopListening() : Promise.resolve();
      for (const socket of sockets) socket.destroy();
      await closing;
    },
    async restore() {
      mode = undefined;
      if (!server.listening) await listen(port);
    },
    get accepted() {
      return accepted;
    },
    async close() {
      const closing = stopListening();
      for (const socket of sockets) socket.destroy();
      await closing;
    },
  };
}
