import { Module } from '@nestjs/common';
import { DeskPortModule } from '@agent-bridge/desk-port';
import { HttpTransportModule } from '@agent-bridge/http';
import { LiveChatV2PollHandler } from './livechat-v2-poll.handler';
import { LiveChatV2Provider } from './livechat-v2.provider';

@Module({
  imports: [DeskPortModule, HttpTransportModule],
  providers: [LiveChatV2Provider, LiveChatV2PollHandler],
  exports: [LiveChatV2Provider],
})
export class LiveChatV2DeskModule {}
