import http from 'node:http';
import https from 'node:https';
import type { HttpResult } from '../sim.types';

const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

/** node:http with keep-alive agents, not fetch: the benchmark drives the simulator hard (bench/README.md). */
export class OutboundClient {
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: 256, scheduling: 'lifo' });
  private readonly httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 256, scheduling: 'lifo' });

  constructor(private readonly timeoutMs = 30_000) {}

  post(url: string, body: string | Buffer, headers: Record<string, string>): Promise<HttpResult> {
    const target = new URL(url);
    const secure = target.protocol === 'https:';
    const allHeaders: Record<string, string | number> = { ...headers, 'content-length': Buffer.byteLength(body) };
    return new Promise((resolve, reject) => {
      const request = (secure ? https : http).request(
        target,
        { method: 'POST', headers: allHeaders, agent: secure ? this.httpsAgent : this.httpAgent },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_RESPONSE_BYTES) request.destroy(new Error('response too large'));
            else chunks.push(chunk);
          });
          res.on('end', () => {
            const rawBody = Buffer.concat(chunks).toString('utf8');
            resolve({ status: res.statusCode ?? 0, headers: { ...res.headers }, body: tryJson(rawBody), rawBody });
          });
          res.on('error', reject);
        },
      );
      // A hard deadline, so a bridge that never answers an on_webhook cannot pin a test forever.
      request.setTimeout(this.timeoutMs, () => request.destroy(new Error(`no answer from ${target.host} in ${this.timeoutMs} ms`)));
      request.on('error', reject);
      request.end(body);
    });
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}

function tryJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
