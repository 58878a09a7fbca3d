import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  at: number;
  raw: string;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- specs index into webhook bodies
  headers: http.IncomingHttpHeaders;
}

/** A local receiver that records every webhook with its raw body (signatures cover the raw bytes). */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  private server: http.Server | undefined;
  private waiters: Array<() => void> = [];
  /** The status to answer the n-th request (1-based) with. */
  respond: (n: number) => number = () => 200;

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        this.received.push({ at: Date.now(), raw, body: JSON.parse(raw), headers: req.headers });
        res.writeHead(this.respond(this.received.length), { 'content-type': 'application/json' });
        res.end('{}');
        for (const wake of this.waiters.splice(0)) wake();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/chatwoot`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  ofEvent(event: string): ReceivedWebhook[] {
    return this.received.filter((r) => r.body.event === event);
  }

  /** Resolves once `count` requests match; rejects with what arrived instead. */
  async waitFor(count: number, filter: (r: ReceivedWebhook) => boolean = () => true, timeoutMs = 3_000): Promise<ReceivedWebhook[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const matched = this.received.filter(filter);
      if (matched.length >= count) return matched;
      const left = deadline - Date.now();
      if (left <= 0) {
        const seen = this.received.map((r) => r.body.event).join(', ') || 'nothing';
        throw new Error(`expected ${count} matching webhooks within ${timeoutMs} ms, got ${matched.length} (received: ${seen})`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}
