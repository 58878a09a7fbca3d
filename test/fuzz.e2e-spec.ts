import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFuzz, type FuzzResult } from '../fuzz/lib/fuzz-run';

/**
 * A slice of `npm run fuzz`: the same generators with a fixed seed (a failure replays), against
 * the real bridge process from dist on the local Postgres and Redis.
 */
describe('fuzz: every inbound route, seeded', () => {
  let result: FuzzResult;
  const outDir = mkdtempSync(join(tmpdir(), 'agent-bridge-fuzz-'));

  beforeAll(async () => {
    result = await runFuzz({ requests: 3000, seed: 20261204, concurrency: 6, outDir });
  }, 300_000);

  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('answers no 5xx, on HTTP or the console socket', () => {
    expect(result.failures.filter((f) => /^5\d\d$/.test(f.outcome ?? ''))).toEqual([]);
    expect(result.fiveXx).toBe(0);
  });

  it('does not crash: alive and live at the end, and stops cleanly when asked', () => {
    expect(result.crashed).toBe(false);
    expect(result.liveAtEnd).toBe(200);
    expect(result.exit).toMatchObject({ code: 0, stoppedBy: 'SIGTERM at the end' });
  });

  it('lets no console call past its role: an agent never reaches an admin or supervisor route, nobody signed out reaches any', () => {
    const refused = (auth: string, group: string) => {
      const outcomes = result.byRoute[`console-api (${auth} -> ${group} route)`] ?? {};
      return { auth, group, tried: Object.values(outcomes).reduce((s, n) => s + n, 0) > 0, got2xx: Object.keys(outcomes).filter((s) => /^2\d\d$/.test(s)) };
    };
    const cases = [['agent', 'admin'], ['agent', 'supervisor'], ...['none', 'garbage', 'expired'].flatMap((auth) => ['admin', 'supervisor', 'agent'].map((group) => [auth, group]))];
    expect(cases.map(([auth, group]) => refused(auth, group))).toEqual(cases.map(([auth, group]) => ({ auth, group, tried: true, got2xx: [] })));
    // And the agent's own route lets the agent in.
    expect(Object.keys(result.byRoute['console-api (agent -> agent route)'] ?? {}).some((s) => /^2\d\d$/.test(s))).toBe(true);
  });

  it('reached every route, and got past authentication on each protected one', () => {
    const answered = (route: string, status: string) => result.byRoute[route]?.[status] ?? 0;
    for (const route of ['sdk (valid JWT)', 'livechat webhook (secret)', 'loopback (secret)', 'console-static', 'health', 'metrics', 'ops']) {
      expect({ route, answered200: answered(route, '200') > 0 }).toEqual({ route, answered200: true });
    }
    // The console's REST API: an admin gets through to every kind of route.
    for (const group of ['admin', 'supervisor', 'agent']) {
      const route = `console-api (admin -> ${group} route)`;
      expect({ route, answered2xx: Object.keys(result.byRoute[route] ?? {}).some((s) => /^2\d\d$/.test(s)) }).toEqual({ route, answered2xx: true });
    }
    expect(answered('console-socket', 'ack')).toBeGreaterThan(0);
    expect(answered('console-socket', 'no-ack')).toBe(0);
    expect(answered('console-socket-auth', 'connected')).toBe(0);
    expect(Object.keys(result.byRoute)).toEqual(expect.arrayContaining(['history', 'console-sign-in', 'sdk (invalid or no auth)', 'livechat webhook (no secret)', 'other']));
    // Every generated request got an HTTP answer or was refused by Node's own client before sending.
    const networkErrors = Object.values(result.byRoute).flatMap((outcomes) => Object.entries(outcomes)).filter(([o]) => o.startsWith('error'));
    expect(networkErrors).toEqual([]);
  });
});
