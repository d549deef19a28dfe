/**
 * A TCP proxy on a loopback port in front of a server, byte for byte, so that tests can cut
 * every connection through it at once (no close frame, no FIN handshake: what a dropped
 * network looks like to both ends) while the server itself stays up. Given fallback ports,
 * it is a load balancer that fails over: a connection the target refuses goes to the next.
 */
import type { Socket } from "bun";

export interface TcpProxy {
  readonly port: number;
  /** http://127.0.0.1:<port>, the proxy's own address. */
  readonly url: string;
  /** ws://127.0.0.1:<port>/ws: the signaling socket through the proxy. */
  readonly wsUrl: string;
  /** Connections through the proxy now. */
  readonly open: number;
  /**
   * Destroys every current connection, both ways at once; returns how many there were.
   * For `refuseMs` after it, new connections are destroyed as they come (a network that is down).
   */
  cutAll(refuseMs?: number): number;
  /** Connections destroyed on arrival so far (see `cutAll`). */
  readonly refused: number;
  /** Ends a refusal begun by `cutAll(refuseMs)` now: the network is back. */
  allow(): void;
  /** Cuts everything and stops listening. Harmless twice. */
  stop(): void;
}

/** One side's socket and what could not be written to it yet. */
interface End {
  socket: Socket<Pair> | null;
  queue: Uint8Array[];
}

interface Pair {
  client: End;
  upstream: End;
  closed: boolean;
}

/** Writes what fits now and keeps the rest for the next `drain`. */
function write(end: End, data: Uint8Array) {
  if (!end.socket || end.queue.length > 0) {
    end.queue.push(new Uint8Array(data));
    return;
  }
  const n = end.socket.write(data);
  if (n < data.length) end.queue.push(data.slice(Math.max(0, n)));
}

function flush(end: End) {
  while (end.socket && end.queue.length > 0) {
    const data = end.queue[0]!;
    const n = end.socket.write(data);
    if (n < data.length) {
      end.queue[0] = data.slice(Math.max(0, n));
      return;
    }
    end.queue.shift();
  }
}

export function startTcpProxy(targetPort: number, { targetHost = "127.0.0.1", hostname = "127.0.0.1", fallbackPorts = [] as number[] } = {}): TcpProxy {
  const pairs = new Set<Pair>();
  let refuseUntil = 0;
  let refused = 0;

  const destroy = (pair: Pair) => {
    if (pair.closed) return;
    pair.closed = true;
    pairs.delete(pair);
    // terminate(): no FIN handshake, nothing more is sent: the connection is gone.
    pair.client.socket?.terminate();
    pair.upstream.socket?.terminate();
  };

  const listener = Bun.listen<Pair>({
    hostname,
    port: 0,
    socket: {
      open(client) {
        if (performance.now() < refuseUntil) {
          refused++;
          return void client.terminate();
        }
        const pair: Pair = { client: { socket: client, queue: [] }, upstream: { socket: null, queue: [] }, closed: false };
        client.data = pair;
        pairs.add(pair);
        const dial = (ports: number[]): void => {
          const next = () => (ports.length > 1 && !pair.closed ? dial(ports.slice(1)) : destroy(pair));
          Bun.connect<Pair>({
            hostname: targetHost,
            port: ports[0]!,
            data: pair,
            socket: {
              open(upstream) {
                if (pair.closed) return void upstream.terminate();
                pair.upstream.socket = upstream;
                flush(pair.upstream);
              },
              data: (_s, data) => write(pair.client, data),
              drain: () => flush(pair.upstream),
              close: () => destroy(pair),
              error: () => destroy(pair),
              connectError: next,
            },
          }).catch(next);
        };
        dial([targetPort, ...fallbackPorts]);
      },
      // A refused connection has no pair.
      data: (client, data) => client.data && write(client.data.upstream, data),
      drain: (client) => client.data && flush(client.data.client),
      close: (client) => client.data && destroy(client.data),
      error: (client) => client.data && destroy(client.data),
    },
  });

  const cutAll = (refuseMs = 0) => {
    refuseUntil = performance.now() + refuseMs;
    const all = [...pairs];
    for (const p of all) destroy(p);
    return all.length;
  };
  let stopped = false;
  return {
    port: listener.port,
    url: `http://${hostname}:${listener.port}`,
    wsUrl: `ws://${hostname}:${listener.port}/ws`,
    get open() {
      return pairs.size;
    },
    get refused() {
      return refused;
    },
    cutAll,
    allow() {
      refuseUntil = 0;
    },
    stop() {
      if (stopped) return;
      stopped = true;
      cutAll();
      listener.stop(true);
    },
  };
}
