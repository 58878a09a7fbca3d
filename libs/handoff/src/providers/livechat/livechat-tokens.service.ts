import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { APP_CONFIG, type AppConfig } from '@agent-bridge/config';
import { REDIS, RedisKeys } from '@agent-bridge/persistence';
import { ProviderStateRepository } from '../shared/provider-state.repository';
import { LiveChatApiClient, LiveChatApiError } from './livechat-api.client';

/** Tokens are replaced this long before LiveChat expires them (they last 8 h and cannot be extended). */
const EARLY_SECONDS = 300;
export const LIVECHAT = 'livechat';

interface TokenGrant {
  access_token: string;
  expires_in: number;
  entity_id?: string;
}

/**
 * Agent and customer tokens. The agent token comes from the refresh-token grant and is shared by
 * every instance through Redis (minting one per instance would churn LiveChat's 25-token limit);
 * customer tokens are minted per visitor with the agent_token grant, reusing the stored entity_id
 * so that a visitor stays one customer on LiveChat.
 */
@Injectable()
export class LiveChatTokensService {
  private readonly logger = new Logger(LiveChatTokensService.name);
  /** Customer tokens this process minted or read, until shortly before expiry: a send is one HTTP call, not three. */
  private readonly local = new Map<string, { token: string; entityId: string; until: number }>();

  constructor(
    private readonly api: LiveChatApiClient,
    private readonly state: ProviderStateRepository,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: RedisKeys,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async agentToken(fresh = false): Promise<string> {
    const key = this.keys.key('livechat', 'agent-token');
    if (!fresh) {
      const cached = await this.redis.get(key);
      if (cached) return cached;
    }
    const { clientId, clientSecret, refreshToken } = this.config.livechat;
    const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: clientId, client_secret: clientSecret });
    const grant = await this.api.accounts<TokenGrant>('/v2/token', { 'content-type': 'application/x-www-form-urlencoded' }, form.toString());
    await this.redis.set(key, grant.access_token, 'EX', Math.max(60, grant.expires_in - EARLY_SECONDS));
    this.logger.log('LiveChat agent token refreshed');
    return grant.access_token;
  }

  /** A customer token for the visitor, and the customer's entity_id. */
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

  /** Runs a customer call; an `authentication` error (token expired or revoked) re-mints once. */
  async asCustomer<T>(botId: string, visitorKey: string, call: (token: string) => Promise<T>): Promise<T> {
    const { token } = await this.customerToken(botId, visitorKey);
    try {
      return await call(token);
    } catch (error) {
      if (!(error instanceof LiveChatApiError) || error.type !== 'authentication') throw error;
      return call((await this.customerToken(botId, visitorKey, true)).token);
    }
  }

  private async withAgentToken<T>(call: (token: string) => Promise<T>): Promise<T> {
    try {
      return await call(await this.agentToken());
    } catch (error) {
      if (!(error instanceof LiveChatApiError) || error.type !== 'authentication') throw error;
      return call(await this.agentToken(true));
    }
  }
}
