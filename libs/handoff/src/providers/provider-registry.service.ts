import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@agent-bridge/config';
import { HANDOFF_PROVIDERS, type HandoffProvider } from './handoff-provider';
import { settingsFor } from '../escalation/escalation-rules.service';

/** The providers this build has, by name; checks at boot that every configured name exists. */
@Injectable()
export class ProviderRegistry implements OnModuleInit {
  private readonly byName: Map<string, HandoffProvider>;

  constructor(
    @Inject(HANDOFF_PROVIDERS) providers: HandoffProvider[],
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.byName = new Map(providers.map((p) => [p.name, p]));
  }

  onModuleInit(): void {
    const wanted = new Map<string, string>([['HANDOFF_PROVIDER', this.config.handoff.provider]]);
    for (const [botId, bot] of Object.entries(this.config.kore.bots)) {
      if (bot.handoff?.provider) wanted.set(`BOTS_FILE bot "${botId}"`, bot.handoff.provider);
    }
    for (const [where, name] of wanted) {
      if (!this.byName.has(name)) {
        throw new Error(`${where} names provider "${name}"; available: ${[...this.byName.keys()].join(', ')}`);
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
