import http from 'node:http';
import type { Socket } from 'node:net';
import { readBody, sendJson } from '../common/http-io.util';

/** Returns false when the path is not its own. */
export type PathHandler = (req: http.IncomingMessage, res: http.ServerResponse, url: URL, body: { text: string; tooLarge: boolean }) => Promise<boolean>;

// Chatwoot's message content tops out at 150 000 characters; a few MB covers every simulated body.
const BODY_LIMIT = 4 * 1024 * 1024;

/** Plain node:http, so the sandbox needs nothing the bridge uses. */
export class SimServer {
  private server: http.Server | undefined;
  private readonly sockets = new Set<Socket>();
  private boundPort = 0;

  constructor(
    private readonly host: string,
    private readonly handlers: PathHandler[],
    private readonly log: (line: string) => void,
  ) {}

  get port(): number {
    return this.boundPort;
  }

  async listen(port: number): Promise<number> {
    const server = http.createServer((req, res) => void this.onRequest(req, res));
    server.keepAliveTimeout = 65_000;
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    const address = server.address();
    this.boundPort = typeof address === 'object' && address ? address.port : port;
    return this.boundPort;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await closed;
  }

  private async onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'http://sim');
      const body = await readBody(req, BODY_LIMIT);
      for (const handler of this.handlers) if (await handler(req, res, url, body)) return;
      sendJson(res, 404, { error: 'Not Found' });
    } catch (error) {
      this.log(`internal error: ${(error as Error).message}`);
      sendJson(res, 500, { error: 'Internal Server Error' });
    }
  }
}
