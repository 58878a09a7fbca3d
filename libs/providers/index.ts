export { DesksModule } from './desks.module';
export { setupChatwootWebhook, CHATWOOT_WEBHOOK_EVENTS } from './chatwoot/chatwoot-webhook.registrar';
export type { ChatwootSetupResult, ChatwootSetupSettings } from './chatwoot/chatwoot-webhook.registrar';
export { LiveChatTokensService } from './livechat/livechat-tokens.service';
export { registerLiveChatWebhooks, LIVECHAT_WEBHOOK_ACTIONS } from './livechat/livechat-webhooks.registrar';
export type { RegistrarSettings } from './livechat/livechat-webhooks.registrar';
export { LoopbackDeskService } from './loopback/loopback-desk.service';
export type { LoopbackChat, LoopbackEntry, LoopbackFaults } from './loopback/loopback-desk.service';
