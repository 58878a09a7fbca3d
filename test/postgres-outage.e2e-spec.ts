import { createServer, connect, type Server, type Socket } from 'node:net';
import { createTestEnvironment, freePort, testConfig, waitFor, type TestEnvironment } from '@agent-bridge/testing';
import { startBridge, type RunningBridge } from './bridge-harness';

/**
 * Postgres as the bridge sees it through a TCP relay of this test's own: closing the relay (its
 * listener and every connection) is an outage for the bridge alone; the shared server stays up.
 */
class PostgresRelay {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly port: number, private readonly target = { host: '127.0.0.1', port: 5432 }) {}

  async open(): Promise<void> {
    if (this.server) return;
    this.server = createServer((client) => {
      const upstream = connect(this.target);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.once('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => this.server!.once('error', reject).listen(this.port, '127.0.0.1', resolve));
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = null;
  }
}

describe('a Postgres outage answers 503 with Retry-After, not 500', () => {
  let env: TestEnvironment;
  let relay: PostgresRelay;
  let bridge: RunningBridge;

  beforeAll(async () => {
    env = await createTestEnvironment('pg_outage');
    const port = await freePort();
    relay = new PostgresRelay(port);
    await relay.open();
    const url = new URL(env.databaseUrl);
    url.port = String(port);
    bridge = await startBridge(testConfig(env, { database: { url: url.toString() } }));
  });

  afterAll(async () => {
    // A failed test may have left the database away: bring it back so that the bridge can close.
    await relay?.open();
    await bridge?.close();
    await relay?.close();
    await env?.destroy();
  }, 60_000);

  const signIn = async () => {
    const res = await fetch(`${bridge.url}/console/api/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'nobody@example.com', password: 'x' }) });
    return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json() };
  };

  it('the console sign-in (a Postgres read) answers 503 while the database is away and 401 again after', async () => {
    expect((await signIn()).status).toBe(401);
    await relay.close();
    const down = await waitFor('a 503 from sign-in', async () => {
      const res = await signIn();
      expect(res.status).not.toBe(500);
      return res.status === 503 ? res : null;
    }, 30_000, 100);
    expect(down).toEqual({ status: 503, retryAfter: '5', body: { errors: [{ msg: expect.any(String), code: 'SERVICE_UNAVAILABLE' }] } });
    await relay.open();
    await waitFor('a 401 once the database is back', async () => {
      const res = await signIn();
      expect(res.status).not.toBe(500);
      return res.status === 401;
    }, 30_000, 100);
  }, 90_000);
});
