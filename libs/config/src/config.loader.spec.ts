import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './config.loader';

const creds = { KORE_CLIENT_ID: 'cs-1', KORE_CLIENT_SECRET: 'secret' };

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig(creds);
    expect(config.port).toBe(3000);
    expect(config.database.url).toBe('postgres://postgres@127.0.0.1:5432/agent_bridge');
    expect(config.redis.url).toBe('redis://127.0.0.1:6379');
    expect(config.publicUrl).toBe('http://localhost:3000');
    expect(config.kore.defaultCredentials).toEqual({ clientId: 'cs-1', clientSecret: 'secret', jwtAlgorithm: 'HS256' });
    expect(config.kore.allowApiKey).toBe(false);
    expect(config.logLevel).toBe('info');
    expect(config.handoff.reportsTimeZone).toBe('UTC');
    expect(loadConfig({ ...creds, REPORTS_TIME_ZONE: 'Europe/Paris' }).handoff.reportsTimeZone).toBe('Europe/Paris');
  });

  it('derives PUBLIC_URL from PORT and accepts HS512', () => {
    const config = loadConfig({ ...creds, PORT: '8080', KORE_JWT_ALGORITHM: 'HS512' });
    expect(config.publicUrl).toBe('http://localhost:8080');
    expect(config.kore.defaultCredentials?.jwtAlgorithm).toBe('HS512');
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ REDIS_URL: 'not a url' }, 'REDIS_URL'],
    [{ PUBLIC_URL: 'ftp://x' }, 'PUBLIC_URL'],
    [{ KORE_JWT_ALGORITHM: 'RS256' }, 'KORE_JWT_ALGORITHM'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ KORE_ALLOW_APIKEY: 'maybe' }, 'KORE_ALLOW_APIKEY'],
    [{ API_PREFIX: 'no slash' }, 'API_PREFIX'],
    [{ REPORTS_TIME_ZONE: 'Mars/Olympus' }, 'REPORTS_TIME_ZONE'],
  ])('names the variable when %j is bad', (env, name) => {
    const found = problems({ ...creds, ...env });
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(name);
  });

  it('requires the Kore credentials, and both halves of them', () => {
    expect(problems({})[0]).toMatch(/KORE_CLIENT_ID and KORE_CLIENT_SECRET are required/);
    expect(problems({ KORE_CLIENT_ID: 'x' })[0]).toMatch(/KORE_CLIENT_SECRET is required/);
  });

  it('reports every problem at once and never prints a password', () => {
    const found = problems({ PORT: 'x', DATABASE_URL: 'mysql://u:hunter2@db/x' });
    expect(found.length).toBeGreaterThanOrEqual(3);
    expect(found.join('\n')).not.toContain('hunter2');
  });

  describe('BOTS_FILE', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bots-'));
    const write = (name: string, text: string): string => {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    };

    it('reads per-bot credentials from YAML and JSON', () => {
      const yaml = write('bots.yaml', 'bots:\n  st-1:\n    clientId: cs-a\n    clientSecret: sa\n    jwtAlgorithm: HS512\n');
      const json = write('bots.json', JSON.stringify({ bots: { 'st-2': { clientId: 'cs-b', clientSecret: 'sb' } } }));
      expect(loadConfig({ BOTS_FILE: yaml }).kore.bots).toEqual({ 'st-1': { clientId: 'cs-a', clientSecret: 'sa', jwtAlgorithm: 'HS512' } });
      expect(loadConfig({ BOTS_FILE: json, KORE_JWT_ALGORITHM: 'HS512' }).kore.bots['st-2']?.jwtAlgorithm).toBe('HS512');
    });

    it('rejects a missing file, a bad shape and incomplete entries', () => {
      expect(problems({ BOTS_FILE: join(dir, 'nope.yaml') })[0]).toMatch(/BOTS_FILE could not be read/);
      expect(problems({ BOTS_FILE: write('flat.yaml', 'st-1: {}\n') })[0]).toMatch(/"bots" map/);
      expect(problems({ BOTS_FILE: write('partial.yaml', 'bots:\n  st-1:\n    clientId: x\n') })[0]).toMatch(/st-1.*clientSecret/);
      expect(problems({ BOTS_FILE: write('alg.yaml', 'bots:\n  st-1: {clientId: x, clientSecret: y, jwtAlgorithm: RS256}\n') })[0]).toMatch(/jwtAlgorithm/);
    });
  });

  describe('Chatwoot', () => {
    const chatwoot = {
      HANDOFF_PROVIDER: 'chatwoot',
      CHATWOOT_URL: 'https://chat.example.com/',
      CHATWOOT_ACCOUNT_ID: '3',
      CHATWOOT_INBOX_ID: '7',
      CHATWOOT_API_TOKEN: 'cw-token-value',
      CHATWOOT_WEBHOOK_SECRET: 'a-path-secret-of-enough-length',
    };

    it('reads the settings of a deployment that hands off to Chatwoot', () => {
      expect(loadConfig({ ...creds, ...chatwoot }).chatwoot).toEqual({
        url: 'https://chat.example.com',
        accountId: 3,
        inboxId: 7,
        apiToken: 'cw-token-value',
        webhookSecret: 'a-path-secret-of-enough-length',
        signingSecret: null,
      });
    });

    it('requires them only when a bot uses the desk, and names each missing one', () => {
      expect(problems(creds)).toEqual([]);
      const found = problems({ ...creds, HANDOFF_PROVIDER: 'chatwoot' });
      for (const name of ['CHATWOOT_URL', 'CHATWOOT_ACCOUNT_ID', 'CHATWOOT_INBOX_ID', 'CHATWOOT_API_TOKEN', 'CHATWOOT_WEBHOOK_SECRET']) {
        expect(found.some((p) => p.startsWith(name))).toBe(true);
      }
    });

    it('refuses a short or URL-unsafe webhook secret without printing it, and ids that are not numbers', () => {
      const found = problems({ ...creds, ...chatwoot, CHATWOOT_WEBHOOK_SECRET: 'short/secret', CHATWOOT_INBOX_ID: 'inbox' });
      expect(found).toHaveLength(2);
      expect(found.join('\n')).not.toContain('short/secret');
      expect(found.some((p) => p.startsWith('CHATWOOT_INBOX_ID'))).toBe(true);
    });

    it('is required for a bot of BOTS_FILE that names it', () => {
      const dir = mkdtempSync(join(tmpdir(), 'bots-cw-'));
      const path = join(dir, 'bots.yaml');
      writeFileSync(path, 'bots:\n  st-1:\n    clientId: x\n    clientSecret: y\n    handoff: { provider: chatwoot }\n');
      expect(problems({ BOTS_FILE: path }).some((p) => p.startsWith('CHATWOOT_API_TOKEN'))).toBe(true);
    });
  });
});
