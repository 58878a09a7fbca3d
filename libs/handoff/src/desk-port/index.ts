export { Desk, HANDOFF_PROVIDERS, ProviderError, ProviderErrorCode } from './desk-adapter';
export type { HandoffProvider, OpenChatRequest, OpenedChat, ProviderChat, UserActivity, UserMessageForDesk } from './desk-adapter';
export { DeskEvents } from './desk-events';
export type { AgentMessage } from './desk-events';
export { DeskSessions } from './desk-sessions';
export { DeskStateStore } from './desk-state.store';
export { providerChatOf } from './desk-session';
export type { Author, CloseReason, Conversation, ConversationState, DeliveryState, Direction, HandoffTrigger, TranscriptMessage } from './desk-session';
export { DeskPortModule } from './desk-port.module';
