import { connect, createServer, type Socket } from 'node:net';

export type TcpProxy = {
  readonly port: number;
  /** Connections open right now. */
  readonly connections: number;
  /** Connections accepted since the start. */
  readonly accepted: number;
  /** Connections this proxy destroyed (cutAll or cutAfterBytes). */
  readonly cuts: number;
  /** Bytes relayed server→client since the start, over all connections (TLS records included). */
  readonly bytesToClient: number;
  /** Destroys every open connection, both sides, now. */
  cutAll(): void;
  /**
   * The open connections go silent both ways without closing (bytes are dropped), as when a
   * laptop sleeps and the network is gone on waking: neither side learns of it. New connections
   * work normally.
   */
  freezeAll(): void;
  /**
   * Connections accepted from now on are destroyed once `n` bytes went server→client (the
   * client gets exactly `n`). Stays in force until called again; `Infinity` turns it off.
   */
  cutAfterBytes(n: number): void;
  close(): Promise<void>;
};

type Pair = { client: Socket; server: Socket; frozen?: boolean };

/**
 * A TCP relay on 127.0.0.1 in front of `targetPort`, to break a client's connection at a chosen
 * moment. It relays bytes as they are, so TLS passes through: a client must still verify the
 * server's name ('localhost'), only the port changes.
 */
/** `listenPort` 0 picks a free port; a given one brings a proxy back where a client expects it. */
export async function startTcpProxy(targetPort: number, listenPort = 0): Promise<TcpProxy> {
  const live = new Set<Pair>();
  let accepted = 0;
  let cuts = 0;
  let cutAt = Infinity;
  let bytesToClient = 0;

  const cut = (pair: Pair): void => {
    if (!live.delete(pair)) return;
    cuts++;
    pair.server.destroy();
    pair.client.destroy();
  };

  const server = createServer((client) => {
    accepted++;
    const limit = cutAt;
    const upstream = connect({ host: '127.0.0.1', port: targetPort });
    const pair: Pair = { client, server: upstream };
    live.add(pair);
    let sent = 0;
    const close = (): void => {
      live.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);

    client.on('data', (chunk: Buffer) => {
      if (pair.frozen) return;
      if (!upstream.write(chunk)) client.pause();
    });
    upstream.on('drain', () => client.resume());
    upstream.on('data', (chunk: Buffer) => {
      if (pair.frozen) return;
      const room = limit - sent;
      sent += Math.min(chunk.length, room);
      bytesToClient += Math.min(chunk.length, room);
      if (chunk.length < room) {
        if (!client.write(chunk)) upstream.pause();
        return;
      }
      // The limit is reached: hand over the last allowed bytes, then drop both sides.
      upstream.pause();
      client.write(chunk.subarray(0, room), () => cut(pair));
    });
    client.on('drain', () => upstream.resume());
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listenPort, '127.0.0.1', resolve);
  });
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('The proxy did not get a port');

  return {
    port: address.port,
    get connections() {
      return live.size;
    },
    get accepted() {
      return accepted;
    },
    get cuts() {
      return cuts;
    },
    get bytesToClient() {
      return bytesToClient;
    },
    cutAll() {
      for (const pair of [...live]) cut(pair);
    },
    freezeAll() {
      for (const pair of live) pair.frozen = true;
    },
    cutAfterBytes(n: number) {
      if (!(n >= 0)) throw new Error(`cutAfterBytes needs a byte count, got ${n}`);
      cutAt = n;
    },
    async close() {
      for (const { client, server: upstream } of live) {
        client.destroy();
        upstream.destroy();
      }
      live.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
