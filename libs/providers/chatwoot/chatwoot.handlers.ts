import { Injectable } from '@nestjs/common';
import { LaneHandler, type LaneHandlerFor } from '@agent-bridge/events';
import { DeskEvents, DeskSessions } from '@agent-bridge/desk-port';
import { ChatwootInboundService } from './chatwoot-inbound.service';
import { CHATWOOT, CHATWOOT_LANE, type ChatwootLaneRecord } from './chatwoot-lane';

/**
 * A Chatwoot conversation's lane: its webhooks and catch-ups, in order. An agent's reply
 * dead-lettered there is reported to both sides, as a message given up.
 */
@Injectable()
@LaneHandler(CHATWOOT_LANE)
export class ChatwootLaneHandler implements LaneHandlerFor {
  constructor(
    private readonly inbound: ChatwootInboundService,
    private readonly sessions: DeskSessions,
    private readonly desk: DeskEvents,
  ) {}

  async handle(item: string, decoded?: unknown): Promise<void> {
    await this.inbound.handle((decoded ?? JSON.parse(item)) as ChatwootLaneRecord);
  }

  async onDeadLetter(item: string, decoded: unknown): Promise<void> {
    const record = (decoded ?? JSON.parse(item)) as ChatwootLaneRecord;
    if (record.item.kind !== 'message') return;
    const conversation = await this.sessions.byRef(CHATWOOT, record.ref);
    if (!conversation || conversation.state === 'closed') return;
    await this.desk.agentMessageLost(conversation);
  }
}
