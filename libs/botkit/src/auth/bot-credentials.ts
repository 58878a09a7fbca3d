import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig, type BotCredentials } from '@agent-bridge/config';

/** By the exact id, whatever its shape: BotKit's UUID-only regex turned other ids into a 500. */
@Injectable()
export class BotCredentialsService {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  forBot(botId: string): BotCredentials | null {
    return Object.hasOwn(this.config.kore.bots, botId) ? this.config.kore.bots[botId]! : this.config.kore.defaultCredentials;
  }
}
