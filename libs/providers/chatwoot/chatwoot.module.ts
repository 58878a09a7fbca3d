import { Module } from '@nestjs/common';
import { DeskPortModule } from '@agent-bridge/desk-port';
import { HttpTransportModule } from '@agent-bridge/http';
import { ChatwootApiClient } from './chatwoot-api.client';
import { ChatwootContactSide } from './chatwoot-contact-side';
import { ChatwootContacts } from './chatwoot-contacts';
import { ChatwootConversations } from './chatwoot-conversations';
import { ChatwootInboundService } from './chatwoot-inbound.service';
import { ChatwootWebhookController } from './chatwoot-webhook.controller';
import { ChatwootLaneHandler } from './chatwoot.handlers';
import { ChatwootProvider } from './chatwoot.provider';

/** Chatwoot (Application API, an API channel inbox, account webhooks): the adapter, its webhook route and lanes. */
@Module({
  imports: [DeskPortModule, HttpTransportModule],
  controllers: [ChatwootWebhookController],
  providers: [ChatwootApiClient, ChatwootConversations, ChatwootContacts, ChatwootContactSide, ChatwootProvider, ChatwootInboundService, ChatwootLaneHandler],
  exports: [ChatwootProvider],
})
export class ChatwootDeskModule {}
