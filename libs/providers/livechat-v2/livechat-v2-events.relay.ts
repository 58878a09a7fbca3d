import type { LiveChatV2ChatStateStore } from './livechat-v2-chat-state.store';
import { LIVECHAT_V2, type LiveChatV2ChatState, type V2Event } from './livechat-v2.types';
import { type CloseReason, type Conversation, DeskEvents } from '@agent-bridge/desk-port';

/** Who "joined" when an agent writes before LiveChat named them (no `agent_details` yet). */
const UNNAMED_AGENT = { id: 'livechat-v2-agent', name: 'An agent' };
const ACTOR = `provider:${LIVECHAT_V2}`;

export interface RelayOutcome {
  relayed: number;
  closed: boolean;
  lastMessageId: number;
}

/** A replayed event (overlapping polls, a retry) is harmless: messages are deduplicated by id, the cursor never moves back. */
export class LiveChatV2EventRelay {
  constructor(
    private readonly desk: DeskEvents,
    private readonly chats: LiveChatV2ChatStateStore,
  ) {}

  async relay(conversation: Conversation, ref: string, state: LiveChatV2ChatState, events: V2Event[]): Promise<RelayOutcome> {
    const outcome: RelayOutcome = { relayed: 0, closed: false, lastMessageId: state.last_message_id };
    let agentName = conversation.state === 'assigned' ? conversation.agentName : null;
    try {
      for (const event of events) {
        if (event.message_id <= state.last_message_id) continue;
        if (event.type === 'chat_closed') {
          await this.desk.chatClosed(LIVECHAT_V2, ref, ACTOR, closeReason(event));
          outcome.closed = true;
          outcome.lastMessageId = event.message_id;
          break;
        }
        // Visitor events are our own messages echoed back; other types v2 may add are skipped.
        if (event.user_type === 'agent' && event.type === 'agent_details') {
          const name = event.agent?.name?.trim() || UNNAMED_AGENT.name;
          if (name !== agentName) await this.desk.agentJoined(LIVECHAT_V2, ref, { id: name, name });
          agentName = name;
        } else if (event.user_type === 'agent' && event.type === 'message' && typeof event.text === 'string' && event.text !== '') {
          if (!agentName) {
            await this.desk.agentJoined(LIVECHAT_V2, ref, UNNAMED_AGENT);
            agentName = UNNAMED_AGENT.name;
          }
          await this.desk.agentMessage(LIVECHAT_V2, ref, { id: String(event.message_id), text: event.text, agentName });
          outcome.relayed++;
        }
        outcome.lastMessageId = event.message_id;
      }
    } finally {
      // Also after a failure part-way: what was handled is not asked for again.
      if (outcome.lastMessageId > state.last_message_id) await this.chats.advance(conversation.id, outcome.lastMessageId);
    }
    return outcome;
  }
}

/**
 * `chat_closed` as the visitor while our session is open: LiveChat gave up on us (polling lapsed), so the
 * user hears that no agent could be reached rather than "the agent left".
 */
function closeReason(event: V2Event): CloseReason {
  return event.user_type === 'visitor' ? 'provider_error' : 'agent_closed';
}
