import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { APP_CONFIG, type AppConfig } from '@agent-bridge/config';
import { REDIS, RedisKeys } from '@agent-bridge/persistence';
import { LiveChatApiClient, LiveChatApiError } from './livechat-api.client';
import { DeskStateStore } from '@agent-bridge/desk-port';

/** Replaced this early: LiveChat's tokens cannot be extended. */
const EARLY_SECONDS = 300;
const REFRESH_LOCK_MS = 10_000;
const REFRESH_POLL_MS = 100;
const RELEASE_LOCK = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
export const LIVECHAT = 'livechat';

interface TokenGrant {
  access_token: string;
  expires_in: number;
  entity_id?: string;
}

/** Customer tokens reuse the stored entity_id, so that a visitor stays one customer on LiveChat. */
@Injectable()
export class LiveChatTokensService {
  private readonly logger = new Logger(LiveChatTokensService.name);
  /** So that a send is one HTTP call, not three. */
  private readonly local = new Map<string, { token: string; entityId: string; until: number }>();
  private refreshing: Promise<string> | null = null;

  constructor(
    private readonly api: LiveChatApiClient,
    private readonly state: DeskStateStore,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: RedisKeys,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * One refresh at a time, across instances: each counts against LiveChat's 25 tokens per client, past
   * which it silently revokes the oldest. `rejected`: a token LiveChat just refused.
   */
  async agentToken(rejected?: string): Promise<string> {
    const cached = await this.redis.get(this.agentTokenKey());
    if (cached && cached !== rejected) return cached;
    this.refreshing ??= this.refreshAgentToken(rejected).finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  private async refreshAgentToken(rejected: string | undefined): Promise<string> {
    const key = this.agentTokenKey();
    const lock = this.keys.key('livechat', 'agent-token-refresh');
    const owner = randomBytes(9).toString('base64url');
    const deadline = Date.now() + REFRESH_LOCK_MS;
    while (!(await this.redis.set(lock, owner, 'PX', REFRESH_LOCK_MS, 'NX'))) {
      // Another instance is refreshing: take its token when it lands (or go ahead if it died).
      await sleep(REFRESH_POLL_MS);
      const current = await this.redis.get(key);
      if (current && current !== rejected) return current;
      if (Date.now() > deadline) break;
    }
    try {
      const current = await this.redis.get(key);
      if (current && current !== rejected) return current; // refreshed while this one took the lock
      const { clientId, clientSecret, refreshToken } = this.config.livechat;
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: clientId, client_secret: clientSecret });
      const grant = await this.api.accounts<TokenGrant>('/v2/token', { 'content-type': 'application/x-www-form-urlencoded' }, form.toString());
      await this.redis.set(key, grant.access_token, 'EX', Math.max(60, grant.expires_in - EARLY_SECONDS));
      this.logger.log('LiveChat agent token refreshed');
      return grant.access_token;
    } finally {
      await this.redis.eval(RELEASE_LOCK, 1, lock, owner).catch(() => undefined); // it expires anyway
    }
  }

  private agentTokenKey(): string {
    return this.keys.key('livechat', 'agent-token');
  }

  async customerToken(botId: string, visitorKey: string, fresh = false): Promise<{ token: string; entityId: string }> {
    const key = this.keys.key('livechat', 'customer-token', botId, visitorKey);
    const held = this.local.get(key);
    if (!fresh && held && held.until > Date.now()) return held;
    const minted = await this.loadOrMint(key, botId, visitorKey, fresh);
    if (this.local.size >= 10_000) this.local.clear();
    this.local.set(key, { ...minted, until: Date.now() + 60_000 });
    return minted;
  }

  private async loadOrMint(key: string, botId: string, visitorKey: string, fresh: boolean): Promise<{ token: string; entityId: string }> {
    const entityId = await this.state.customerId(LIVECHAT, botId, visitorKey);
    if (!fresh && entityId) {
      const cached = await this.redis.get(key);
      if (cached) return { token: cached, entityId };
    }
    const grant = await this.withAgentToken((agent) =>
      this.api.accounts<TokenGrant>(
        '/v2/customer/token',
        { authorization: `Bearer ${agent}`, 'content-type': 'application/json' },
        JSON.stringify({ grant_type: 'agent_token', client_id: this.config.livechat.clientId, response_type: 'token', ...(entityId ? { entity_id: entityId } : {}) }),
      ),
    );
    const minted = grant.entity_id ?? entityId;
    if (!minted) throw new LiveChatApiError('validation', 'customer token without entity_id', 200);
    if (minted !== entityId) await this.state.saveCustomerId(LIVECHAT, botId, visitorKey, minted);
    await this.redis.set(key, grant.access_token, 'EX', Math.max(60, grant.expires_in - EARLY_SECONDS));
    return { token: grant.access_token, entityId: minted };
  }

  /** An `authentication` error (token expired or revoked) re-mints once. */
  async asCustomer<T>(botId: string, visitorKey: string, call: (token: string) => Promise<T>): Promise<T> {
    const { token } = await this.customerToken(botId, visitorKey);
    try {
      return await call(token);
    } catch (error) {
      if (!(error instanceof LiveChatApiError) || error.type !== 'authentication') throw error;
      return call((await this.customerToken(botId, visitorKey, true)).token);
    }
  }

  /** An `authentication` error (token expired or revoked) refreshes once. */
  async asAgent<T>(call: (token: string) => Promise<T>): Promise<T> {
    return this.withAgentToken(call);
  }

  private async withAgentToken<T>(call: (token: string) => Promise<T>): Promise<T> {
    const token = await this.agentToken();
    try {
      return await call(token);
    } catch (error) {
      if (!(error instanceof LiveChatApiError) || error.type !== 'authentication') throw error;
      return call(await this.agentToken(token));
    }
  }
}
