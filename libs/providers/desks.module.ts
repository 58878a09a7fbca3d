import { Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from '@agent-bridge/config';
import { ConsoleDeskModule } from '@agent-bridge/console';
import { ChatwootDeskModule } from './chatwoot/chatwoot.module';
import { LiveChatDeskModule } from './livechat/livechat.module';
import { LiveChatV2DeskModule } from './livechat-v2/livechat-v2.module';
import { LoopbackDeskModule } from './loopback/loopback.module';

/** One line per desk: the engine refuses to start when HANDOFF_PROVIDER names none of their @Desk() adapters. */
@Module({})
export class DesksModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: DesksModule,
      imports: [
        ConsoleDeskModule,
        LiveChatDeskModule,
        LiveChatV2DeskModule,
        ChatwootDeskModule,
        ...(loopbackWanted(config) ? [LoopbackDeskModule] : []),
      ],
    };
  }
}

/** The loopback desk has open HTTP routes: wired only where it is configured. */
function loopbackWanted(config: AppConfig): boolean {
  const named = [config.handoff.provider, ...Object.values(config.kore.bots).map((bot) => bot.handoff?.provider)];
  return config.handoff.loopbackSecret !== null || named.includes('loopback');
}
