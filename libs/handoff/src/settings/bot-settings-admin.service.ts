import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, DEFAULT_MESSAGES, type AppConfig } from '@agent-bridge/config';
import { BotSettingsAdmin, type BotSettingsChange, type BotSettingsView, type BotTextKey } from '../desk-port/bot-settings-admin';
import { BotSettingsService } from './bot-settings.service';

/** Kore's bot ids (`st-` and a UUID); only these can reach a deployment's default credentials. */
const KORE_BOT_ID = /^st-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Placeholders a text can use beyond those its default shows. */
const EXTRA_PLACEHOLDERS: Record<string, string[]> = { inactivity: ['minutes'] };

@Injectable()
export class BotSettingsAdminService implements BotSettingsAdmin {
  constructor(
    private readonly settings: BotSettingsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  textKeys(): BotTextKey[] {
    return Object.entries(DEFAULT_MESSAGES).map(([key, text]) => ({
      key,
      placeholders: [...new Set([...[...String(text).matchAll(/\{(\w+)\}/g)].map((m) => m[1]!), ...(EXTRA_PLACEHOLDERS[key] ?? [])])],
    }));
  }

  list(): BotSettingsView[] {
    const ids = new Set([...Object.keys(this.config.kore.bots), ...this.settings.storedBots()]);
    return [...ids].sort().map((id) => this.view(id));
  }

  get(botId: string): BotSettingsView | null {
    return this.serves(botId) ? this.view(botId) : null;
  }

  anyBot(): boolean {
    return this.config.kore.defaultCredentials !== null;
  }

  async update(botId: string, change: BotSettingsChange, actor: string): Promise<BotSettingsView | null> {
    if (!this.serves(botId)) return null;
    await this.settings.save(botId, change, actor);
    return this.view(botId);
  }

  private serves(botId: string): boolean {
    return Object.hasOwn(this.config.kore.bots, botId) || this.settings.stored(botId) !== null || (this.anyBot() && KORE_BOT_ID.test(botId));
  }

  private view(botId: string): BotSettingsView {
    const row = this.settings.stored(botId);
    const effective = this.settings.settings(botId);
    return {
      botId,
      configured: Object.hasOwn(this.config.kore.bots, botId),
      texts: { ...effective.messages },
      defaults: { ...this.settings.baseMessages(botId) },
      overridden: Object.keys(row?.texts ?? {}).filter((key) => Object.hasOwn(DEFAULT_MESSAGES, key)),
      csatEnabled: effective.csatEnabled,
      updatedAt: row?.updatedAt.toISOString() ?? null,
      updatedBy: row?.updatedBy ?? null,
    };
  }
}
