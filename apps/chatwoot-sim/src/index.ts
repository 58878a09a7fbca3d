export { ChatwootSim, type BridgeSettings, type DirectWebhook } from './chatwoot-sim.facade';
export { type ChatwootSimOptions, type ResolvedOptions, type SimAgentConfig, type SimTeamConfig, SANDBOX_DEFAULTS } from './sim.options';
export type { ConversationSnapshot, MessageSnapshot } from './sim.snapshots';
export type { ApiFault, ApiFaultInput } from './faults/fault-injector';
export type { DeliveryAttempt, DeliveryRecord, RegisteredWebhook, WebhookFaults } from './webhooks/webhook.types';
export { WEBHOOK_EVENTS } from './webhooks/webhook.types';
export { signatureOf } from './webhooks/webhook.signature';
export type { Availability, SimUser } from './state/sim.types';
