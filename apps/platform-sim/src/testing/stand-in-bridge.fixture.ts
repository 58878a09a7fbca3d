import http from 'node:http';
import type { AddressInfo } from 'node:net';
// The bridge's own signer, so these specs prove the two sides interoperate. Imported by path: the
// lib's entry point loads Nest, which is ESM-only and which Jest on Node 20 cannot require.
import { signJwt } from '../../../../libs/botkit/src/auth/jwt';
import type { SimBot } from '../sim.types';

export interface ReceivedEvent {
  path: string;
  botId: string;
  event: string;
  componentId?: string;
  headers: http.IncomingHttpHeaders;
  body: any;
}

export interface Answer {
  status: number;
  body?: unknown;
}

export interface CallResult {
  status: number;
  body: any;
}

const EVENT_PATH = /^\/sdk\/bots\/([^/]+)\/(?:components\/([^/]+)\/)?([^/]+)$/;

/** For the simulator's own specs: records what the platform sends, calls back signed as BotKit signs. */
export class StandInBridge {
  readonly received: ReceivedEvent[] = [];
  /** How the stand-in answers each event; the default acks with 200 and echoes the body. */
  onEvent: (event: ReceivedEvent) => Answer | Promise<Answer> = (event) => ({ status: 200, body: event.body });
  private readonly server = http.createServer((req, res) => void this.receive(req, res));
  private readonly agent = new http.Agent({ keepAlive: true });
  private waiters: Array<() => void> = [];

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.agent.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  events(event?: string): ReceivedEvent[] {
    return this.received.filter((e) => event === undefined || e.event === event);
  }

  /** Waits until `count` events (of one name, if given) have arrived. */
  async waitForEvents(count: number, event?: string, timeoutMs = 3000): Promise<ReceivedEvent[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.events(event).length < count) {
      const left = deadline - Date.now();
      if (left <= 0) {
        const seen = this.received.map((e) => e.event).join(', ') || 'nothing';
        throw new Error(`stand-in bridge wanted ${count} ${event ?? 'event'}(s), got: ${seen}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.events(event);
  }

  /** A BotKit `auth` token for the bot: `{appId, exp}` signed with its secret, overridable per test. */
  static token(bot: SimBot, claims: Record<string, unknown> = {}, secret = bot.clientSecret): string {
    const base = { appId: bot.clientId, exp: Math.floor(Date.now() / 1000) + 60 };
    return signJwt({ ...base, ...claims }, secret, bot.jwtAlgorithm ?? 'HS256');
  }

  /** Calls the platform as BotKit does; `auth: null` leaves the header out. */
  call(
    url: string,
    options: { method?: 'GET' | 'POST'; body?: unknown; rawBody?: string; auth?: string | null; headers?: Record<string, string> } = {},
  ): Promise<CallResult> {
    const method = options.method ?? 'POST';
    const payload = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
    if (options.auth) headers.auth = options.auth;
    if (payload !== undefined) headers['content-length'] = String(Buffer.byteLength(payload));
    return new Promise((resolve, reject) => {
      const req = http.request(url, { method, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            // Not JSON: the raw text is the body.
          }
          resolve({ status: res.statusCode ?? 0, body });
        });
      });
      req.on('error', reject);
      req.end(payload);
    });
  }

  private async receive(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const match = EVENT_PATH.exec(new URL(req.url ?? '/', 'http://x').pathname);
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Kept as text so a spec can see what was sent.
    }
    const event: ReceivedEvent = {
      path: req.url ?? '',
      botId: match?.[1] ?? '',
      componentId: match?.[2],
      event: match?.[3] ?? '',
      headers: req.headers,
      body,
    };
    this.received.push(event);
    const answer = await this.onEvent(event);
    const out = answer.body === undefined ? '' : JSON.stringify(answer.body);
    res.writeHead(answer.status, { 'content-type': 'application/json' }).end(out);
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
