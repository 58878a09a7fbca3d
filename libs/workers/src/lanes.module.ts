import { Module } from '@nestjs/common';
import { EventsLanesModule } from '@agent-bridge/events';
import { ConversationRouter, HandoffModule } from '@agent-bridge/handoff';

/** In every process: a bridge relays inline whatever RUN_WORKERS says, so losing a worker never stops a conversation. */
@Module({
  imports: [EventsLanesModule.forRoot({ imports: [HandoffModule], router: ConversationRouter })],
})
export class LanesModule {}
