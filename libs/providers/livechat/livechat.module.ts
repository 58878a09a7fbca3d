import { Module } from '@nestjs/common';
import { DeskPortModule } from '@agent-bridge/desk-port';
import { HttpTransportModule } from '@agent-bridge/http';
import { LiveChatApiClient } from './livechat-api.client';
import { LiveChatInboundService } from './livechat-inbound.service';
import { LiveChatTokensService } from './livechat-tokens.service';
import { LiveChatWebhookController } from './livechat-webhook.controller';
import { LiveChatCatchUpHandler, LiveChatLaneHandler, LiveChatWebhookHandler } from './livechat.handlers';
import { LiveChatProvider } from './livechat.provider';

@Module({
  imports: [DeskPortModule, HttpTransportModule],
  controllers: [LiveChatWebhookController],
  providers: [LiveChatApiClient, LiveChatTokensService, LiveChatProvider, LiveChatInboundService, LiveChatLaneHandler, LiveChatWebhookHandler, LiveChatCatchUpHandler],
  exports: [LiveChatProvider],
})
export class LiveChatDeskModule {}
