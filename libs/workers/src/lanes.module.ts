import { Module } from '@nestjs/common';
import { EventsLanesModule } from '@agent-bridge/events';
import { ConversationRouter, HandoffModule } from '@agent-bridge/handoff';

/**
 * Lane draining, in every process: a bridge relays inline whatever RUN_WORKERS says (only the
 * BullMQ workers are apps/worker's), so losing a worker never stops a conversation. The LiveChat
 * lanes' handler lives in HandoffModule, which this imports.
 */
@Module({
  imports: [EventsLanesModule.forRoot({ imports: [HandoffModule], router: ConversationRouter })],
})
export class LanesModule {}
