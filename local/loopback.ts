import type { Server as HttpServer } from 'node:http';
import type { Server } from 'node:net';

/**
 * Listens on 127.0.0.1:`port` (0: a free one) and resolves with the port bound; rejects when it
 * cannot (the port taken), leaving no listener behind. Every local server binds loopback only.
 */
export async function listenOnLoopback(server: Server, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  return typeof address === 'object' && address ? address.port : port;
}

/** The origins a browser names for a page served by a loopback server on `port`: the API port's own, where the console is. */
export function loopbackOrigins(port: number): string[] {
  return [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
}

/** Closes an HTTP server now: idle keep-alive connections are cut instead of holding the close open. */
export function closeHttpServer(server: HttpServer): Promise<void> {
  server.closeAllConnections();
  return new Promise<void>((resolve) => server.close(() => resolve()));
}
