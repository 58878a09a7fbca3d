import http from 'node:http';
import https from 'node:https';

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export class TransportTimeoutError extends Error {
  constructor(readonly url: string) {
    super('request timed out');
  }
}

const MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

/** Not fetch: its CPU per call on Node 20 would weigh on the relay's hot path (bench/README.md). */
export class HttpTransport {
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: 256, scheduling: 'lifo' });
  private readonly httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 256, scheduling: 'lifo' });

  request(req: HttpRequest): Promise<HttpResponse> {
    const url = new URL(req.url);
    const secure = url.protocol === 'https:';
    const headers: Record<string, string | number> = { ...req.headers };
    if (req.body !== undefined) headers['content-length'] = Buffer.byteLength(req.body);
    return new Promise((resolve, reject) => {
      const request = (secure ? https : http).request(
        url,
        { method: req.method, headers, agent: secure ? this.httpsAgent : this.httpAgent, timeout: req.timeoutMs },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_RESPONSE_BYTES) {
              request.destroy(new Error('response too large'));
              return;
            }
            chunks.push(chunk);
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      // `timeout` is an idle-socket timeout; a hard deadline covers slow trickling responses too.
      const deadline = setTimeout(() => request.destroy(new TransportTimeoutError(req.url)), req.timeoutMs);
      request.on('timeout', () => request.destroy(new TransportTimeoutError(req.url)));
      request.on('error', (error) => {
        clearTimeout(deadline);
        reject(error);
      });
      request.on('close', () => clearTimeout(deadline));
      request.end(req.body);
    });
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}
