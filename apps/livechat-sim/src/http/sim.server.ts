import http from 'node:http';
import type { Socket } from 'node:net';
import { ApiError } from '../common/api-error';
import { headerValue, readBody, sendJson } from '../common/http-io.util';
import type { ApiCall } from './api-call.types';

/** Each API surface: returns false when the path is not its own. */
export type PathHandler = (req: http.IncomingMessage, res: http.ServerResponse, url: URL, bodyText: string) => Promise<boolean>;

export interface SimRoutes {
  /** `/sim/*` and `/agent`: stay reachable in 503 down mode so the fault can be lifted. */
  control: PathHandler;
  accounts: PathHandler;
  visitors: PathHandler;
  customer: (call: ApiCall) => Promise<void>;
  configuration: (call: ApiCall) => Promise<void>;
  agent: (call: ApiCall) => Promise<void>;
}

export type DownMode = 'refuse' | '503';

const WEB_API_PATH = /^\/(?:v(\d+\.\d+)\/)?(customer|configuration|agent)\/action\/([A-Za-z0-9_]+)$/;
const BODY_LIMIT = 2 * 1024 * 1024;

export class SimServer {
  private server: http.Server | undefined;
  private readonly sockets = new Set<Socket>();
  private boundPort = 0;
  private down: { mode: DownMode; timer: NodeJS.Timeout } | undefined;

  constructor(
    private readonly host: string,
    private readonly routes: SimRoutes,
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
    if (this.down) clearTimeout(this.down.timer);
    this.down = undefined;
    await this.closeListener();
  }

  /**
   * `refuse` closes the port so connections are refused, then listens again on the same port;
   * `503` keeps serving but answers every API call with `service_unavailable`.
   */
  async setDown(ms: number, mode: DownMode = 'refuse'): Promise<void> {
    if (this.down) clearTimeout(this.down.timer);
    const timer = setTimeout(() => {
      this.recover().catch((error: unknown) => this.log(`could not listen again: ${(error as Error).message}`));
    }, ms);
    this.down = { mode, timer };
    this.log(`down (${mode}) for ${ms} ms`);
    if (mode === 'refuse') await this.closeListener();
  }

  get isDown(): DownMode | undefined {
    return this.down?.mode;
  }

  private async recover(): Promise<void> {
    const mode = this.down?.mode;
    this.down = undefined;
    if (mode === 'refuse' && !this.server) await this.listen(this.boundPort);
    this.log('up again');
  }

  private async closeListener(): Promise<void> {
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
      if (await this.routes.control(req, res, url, body.text)) return;
      if (this.down?.mode === '503') return this.unavailable(url, res);
      const api = WEB_API_PATH.exec(url.pathname);
      if (api) {
        const call: ApiCall = {
          req,
          res,
          version: api[1] ?? headerValue(req, 'x-api-version') ?? '',
          action: api[3]!,
          query: url.searchParams,
          bodyText: body.text,
          bodyTooLarge: body.tooLarge,
        };
        if (api[2] === 'customer') return await this.routes.customer(call);
        if (api[2] === 'configuration') return await this.routes.configuration(call);
        return await this.routes.agent(call);
      }
      if (await this.routes.accounts(req, res, url, body.text)) return;
      if (await this.routes.visitors(req, res, url, body.text)) return;
      sendJson(res, 404, new ApiError('not_found', `No route for ${req.method} ${url.pathname}`).body());
    } catch (error) {
      this.log(`internal error: ${(error as Error).message}`);
      sendJson(res, 500, new ApiError('internal').body());
    }
  }

  private unavailable(url: URL, res: http.ServerResponse): void {
    if (url.pathname.startsWith('/v2/')) {
      return sendJson(res, 503, { oauth_exception: 'temporarily_unavailable', exception_description: 'service unavailable' });
    }
    if (url.pathname.startsWith('/visitors/')) return sendJson(res, 503, { error: 'service unavailable' });
    sendJson(res, 503, new ApiError('service_unavailable').body());
  }
}
