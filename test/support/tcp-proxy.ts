import net, { AddressInfo, Server, Socket } from 'node:net';

/**
 * A loopback TCP proxy a test controls, standing between the app and PostgreSQL so that a test
 * can take the database away and give it back without touching the server:
 * - `cut()`: like a stopped database or a dead host that answers with RST — every open
 *   connection is destroyed and the port stops listening (new connections: ECONNREFUSED);
 * - `stall()`: like a network partition — connections stay open but no byte passes, and new
 *   connections are accepted but never answered;
 * - `restore()`: the database is back on the same port (stalled connections resume);
 *   `restore({ keepStalled: true })`: new connections reach the database, but the stalled ones
 *   stay silent for good — like a failover or a lost NAT entry, where the old connections
 *   vanish without a RST.
 */
export interface TcpProxy {
  /** The local port the proxy listens on (the same after `restore()`). */
  readonly port: number;
  /** `url` with its host and port replaced by the proxy's. */
  urlFor(url: string): string;
  cut(): Promise<void>;
  stall(): Promise<void>;
  restore(opts?: { keepStalled?: boolean }): Promise<void>;
  /** Connections the proxy has accepted so far. */
  readonly accepted: number;
  /** Connections open right now. */
  readonly open: number;
  close(): Promise<void>;
}

interface Pair {
  client: Socket;
  upstream?: Socket;
  flowing: boolean;
  /** Never forwarded again (`restore({ keepStalled: true })`). */
  abandoned?: boolean;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const pairs = new Set<Pair>();
  let state: 'open' | 'cut' | 'stalled' = 'open';
  let accepted = 0;
  let server: Server | undefined;
  let port = 0;

  const drop = (pair: Pair) => {
    pair.client.destroy();
    pair.upstream?.destroy();
    pairs.delete(pair);
  };

  const forward = (pair: Pair) => {
    if (pair.flowing || pair.abandoned) return;
    pair.flowing = true;
    if (!pair.upstream) {
      const upstream = net.connect({ host: target.host, port: target.port });
      pair.upstream = upstream;
      upstream.setNoDelay(true);
      upstream.on('error', () => drop(pair));
      upstream.on('close', () => drop(pair));
    }
    pair.client.pipe(pair.upstream!);
    pair.upstream!.pipe(pair.client);
    pair.client.resume();
    pair.upstream!.resume();
  };

  const halt = (pair: Pair) => {
    pair.flowing = false;
    // Paused readables keep what arrives buffered: nothing passes until `forward` again.
    pair.client.unpipe();
    pair.upstream?.unpipe();
    pair.client.pause();
    pair.upstream?.pause();
  };

  const onConnection = (client: Socket) => {
    accepted += 1;
    if (state === 'cut') return void client.destroy();
    const pair: Pair = { client, flowing: false };
    pairs.add(pair);
    client.setNoDelay(true);
    client.on('error', () => drop(pair));
    client.on('close', () => drop(pair));
    if (state === 'open') forward(pair);
    else client.pause();
  };

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      if (server?.listening) return resolve();
      server = net.createServer(onConnection);
      server.once('error', reject);
      server.listen({ host: '127.0.0.1', port }, () => {
        port = (server!.address() as AddressInfo).port;
        resolve();
      });
    });

  const stopListening = () => new Promise<void>((resolve) => (server?.listening ? server.close(() => resolve()) : resolve()));

  await listen();

  return {
    get port() {
      return port;
    },
    get accepted() {
      return accepted;
    },
    get open() {
      return pairs.size;
    },
    urlFor(url: string) {
      const u = new URL(url);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    async cut() {
      state = 'cut';
      const closed = stopListening();
      for (const pair of [...pairs]) drop(pair);
      await closed;
    },
    async stall() {
      state = 'stalled';
      for (const pair of pairs) halt(pair);
      await listen();
    },
    async restore({ keepStalled = false } = {}) {
      if (keepStalled) for (const pair of pairs) if (!pair.flowing) pair.abandoned = true;
      state = 'open';
      await listen();
      for (const pair of pairs) forward(pair);
    },
    async close() {
      state = 'cut';
      const closed = stopListening();
      for (const pair of [...pairs]) drop(pair);
      await closed;
    },
  };
}
