import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type Redis from 'ioredis';
import { APP_CONFIG, DEFAULT_MESSAGES, type AppConfig, type HandoffMessages } from '@agent-bridge/config';
import { ConnectionErrors } from '@agent-bridge/observability';
import { REDIS, RedisKeys } from '@agent-bridge/persistence';
import { settingsFor } from '../escalation/escalation-rules.service';
import { BotSettingsRepository, type BotSettingsRow } from './bot-settings.repository';

export interface EffectiveBotSettings {
  messages: HandoffMessages;
  csatEnabled: boolean;
}

/**
 * What a bot's users are told and whether they are asked for a rating: config defaults, then
 * BOTS_FILE, then the admin's bot_settings row. Read synchronously on the hot path from memory;
 * every instance re-reads a bot's row when any instance publishes that it changed, and all rows
 * when its subscription reconnects (a change may have been published while it was away).
 */
@Injectable()
export class BotSettingsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(BotSettingsService.name);
  private readonly rows = new Map<string, BotSettingsRow>();
  private readonly effective = new Map<string, EffectiveBotSettings>();
  private subscriber: Redis | null = null;

  constructor(
    private readonly repository: BotSettingsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  private get channel(): string {
    return this.keys.key('bot-settings-changed');
  }

  async onModuleInit(): Promise<void> {
    this.subscriber = this.redis.duplicate();
    // Reported through the log (rate-limited), not printed by ioredis to stderr.
    this.subscriber.on('error', new ConnectionErrors('bot settings channel').report);
    this.subscriber.on('message', (_channel: string, botId: string) => {
      this.reload(botId).catch((error: unknown) => this.logger.error(`bot settings of ${botId} not reloaded: ${(error as Error).message}`));
    });
    // Subscribed before the first read, so no change falls between the two.
    await this.subscriber.subscribe(this.channel);
    // Attached after the first connection is up: any later 'ready' is a reconnect.
    this.subscriber.on('ready', () => {
      this.reloadAll().catch((error: unknown) => this.logger.error(`bot settings not reloaded: ${(error as Error).message}`));
    });
    await this.reloadAll();
  }

  async onModuleDestroy(): Promise<void> {
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
  }

  settings(botId: string): EffectiveBotSettings {
    let settings = this.effective.get(botId);
    if (!settings) {
      const row = this.rows.get(botId);
      settings = { messages: { ...this.baseMessages(botId), ...knownTexts(row?.texts) }, csatEnabled: row?.csatEnabled ?? false };
      this.effective.set(botId, settings);
    }
    return settings;
  }

  messages(botId: string): HandoffMessages {
    return this.settings(botId).messages;
  }

  csatEnabled(botId: string): boolean {
    return this.settings(botId).csatEnabled;
  }

  /** Config defaults and BOTS_FILE, without the admin's texts. */
  baseMessages(botId: string): HandoffMessages {
    return settingsFor(this.config, botId).messages;
  }

  stored(botId: string): BotSettingsRow | null {
    return this.rows.get(botId) ?? null;
  }

  storedBots(): string[] {
    return [...this.rows.keys()];
  }

  /** Applied here at once, and on every other instance when it hears of it. */
  async save(botId: string, change: { texts?: Record<string, string>; csatEnabled?: boolean }, actor: string): Promise<BotSettingsRow> {
    const row = await this.repository.save(botId, change, actor);
    this.apply(row);
    await this.redis.publish(this.channel, botId);
    return row;
  }

  private async reload(botId: string): Promise<void> {
    const row = await this.repository.get(botId);
    if (row) this.apply(row);
  }

  private async reloadAll(): Promise<void> {
    for (const row of await this.repository.all()) this.apply(row);
  }

  /** Reads may finish out of order; an older row never replaces a newer one. */
  private apply(row: BotSettingsRow): void {
    const current = this.rows.get(row.botId);
    if (current && current.updatedAt > row.updatedAt) return;
    this.rows.set(row.botId, row);
    this.effective.delete(row.botId);
  }
}

/** A key the code no longer has (stored by an older version) is ignored, not shown to users. */
function knownTexts(texts: Record<string, string> | undefined): Partial<HandoffMessages> {
  const known: Partial<Record<keyof HandoffMessages, string>> = {};
  for (const [key, value] of Object.entries(texts ?? {})) {
    if (Object.hasOwn(DEFAULT_MESSAGES, key) && typeof value === 'string' && value) known[key as keyof HandoffMessages] = value;
  }
  return known;
}
