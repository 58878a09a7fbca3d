import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { APP_CONFIG, type AppConfig } from '@agent-bridge/config';
import { HANDOFF_PROVIDERS, type HandoffProvider } from '../desk-port/desk-adapter';
import { settingsFor } from '../escalation/escalation-rules.service';

/** Fails the boot when a configured name has no desk, or two desks share one. */
@Injectable()
export class ProviderRegistry implements OnModuleInit {
  private readonly byName = new Map<string, HandoffProvider>();

  constructor(
    private readonly discovery: DiscoveryService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    for (const { instance, metatype } of this.discovery.getProviders()) {
      if (!instance || !metatype || !Reflect.getMetadata(HANDOFF_PROVIDERS, metatype)) continue;
      const desk = instance as HandoffProvider;
      const other = this.byName.get(desk.name);
      if (other && other !== desk) throw new Error(`two desks are named "${desk.name}"`);
      this.byName.set(desk.name, desk);
    }
    const wanted = new Map<string, string>([['HANDOFF_PROVIDER', this.config.handoff.provider]]);
    for (const [botId, bot] of Object.entries(this.config.kore.bots)) {
      if (bot.handoff?.provider) wanted.set(`BOTS_FILE bot "${botId}"`, bot.handoff.provider);
    }
    for (const [where, name] of wanted) {
      if (!this.byName.has(name)) {
        throw new Error(`${where} names provider "${name}"; available: ${[...this.byName.keys()].join(', ') || 'none'}`);
      }
    }
  }

  forBot(botId: string): HandoffProvider {
    return this.get(settingsFor(this.config, botId).provider);
  }

  get(name: string): HandoffProvider {
    const provider = this.byName.get(name);
    if (!provider) throw new Error(`unknown hand-off provider "${name}"`);
    return provider;
  }
}
