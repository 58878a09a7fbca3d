import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { sendError } from './json-io.helper';

/** A handler answers and returns true when the request is its own. */
export type RouteHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => boolean | Promise<boolean>;

/** No framework: the benchmark runs through here and must measure the bridge, not the simulator. */
export class SimServer {
  private readonly server: http.Server;

  constructor(
    private readonly handlers: RouteHandler[],
    onUpgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void,
    private readonly log: (line: string) => void,
  ) {
    this.server = http.createServer((req, res) => void this.dispatch(req, res));
    this.server.on('upgrade', onUpgrade);
    this.server.keepAliveTimeout = 65_000;
  }

  listen(port: number, host: string): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.server.listening) return resolve();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'http://sim.invalid');
      for (const handler of this.handlers) if (await handler(req, res, url)) return;
      req.resume();
      sendError(res, 404, 'Not found');
    } catch (error) {
      this.log(`platform-sim: request failed: ${(error as Error).message}`);
      sendError(res, 500, 'Internal Server Error');
    }
  }
}
