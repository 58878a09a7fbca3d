import { Injectable, Logger } from '@nestjs/common';
import { BOT_LANE, BotkitClient, type BotkitPayload } from '@agent-bridge/botkit';
import { EventRouter, type DeadLetterNotice, type InboundEvent } from '@agent-bridge/events';
import { CsatService } from '../csat/csat.service';
import { EscalationRulesService } from '../escalation/escalation-rules.service';
import type { UserActivity } from '../desk-port/desk-adapter';
import type { HandoffDetail } from '../desk-port/desk-session';
import { ProviderRegistry } from '../desks/provider-registry.service';
import { DeliveryService } from '../relay/delivery.service';
import { BotVariablesService } from '../variables/bot-variables.service';
import { ConversationRepository } from './conversation.repository';
import { MessageIntakeRepository } from './message-intake.repository';
import type { Conversation } from './conversation.types';
import { HandoffService } from './handoff.service';
import { providerChatOf } from './provider-chat';

const CLIENT_ACTIVITY: Record<string, UserActivity['type']> = {
  TYPING_STARTED: 'typing_started',
  TYPING_STOPPED: 'typing_stopped',
  MESSAGE_READ: 'read',
};

/** The one place that decides who owns each event, checked on every event: the bot or, in agent mode, the agent. */
@Injectable()
export class ConversationRouter extends EventRouter {
  private readonly logger = new Logger(ConversationRouter.name);

  constructor(
    private readonly conversations: ConversationRepository,
    private readonly intake: MessageIntakeRepository,
    private readonly handoff: HandoffService,
    private readonly delivery: DeliveryService,
    private readonly rules: EscalationRulesService,
    private readonly providers: ProviderRegistry,
    private readonly variables: BotVariablesService,
    private readonly botkit: BotkitClient,
    private readonly csat: CsatService,
  ) {
    super();
  }

  async route(event: InboundEvent): Promise<void> {
    if (event.eventName === 'on_variable_update') return this.variables.refresh(event.payload);
    if (event.visitor === BOT_LANE) return this.withBot(event);
    if (event.eventName === 'on_user_message') return this.userMessage(event);
    const active = await this.conversations.findActive(event.botId, event.visitor);
    return active ? this.inAgentMode(active, event) : this.withBot(event);
  }

  /** Only a user's message to an agent has somebody waiting for it on both sides. */
  async deadLettered(event: InboundEvent, deadLetter: DeadLetterNotice): Promise<void> {
    if (event.eventName !== 'on_user_message' || event.visitor === BOT_LANE) return;
    const conversation = await this.conversations.findActive(event.botId, event.visitor);
    if (!conversation) return;
    this.logger.warn(`conversation ${conversation.id}: a user message was dead-lettered (${deadLetter.id}); both sides told`);
    await this.delivery.reportUndeliverable(conversation, 'agent');
  }

  private async withBot(event: InboundEvent): Promise<void> {
    const { payload, botId, visitor } = event;
    switch (event.eventName) {
      case 'on_agent_transfer':
        await this.handoff.start(botId, visitor, payload, 'agent_transfer', nodeOf(event));
        return;
      case 'on_user_message': {
        // The answer to the rating question after an agent's chat is not the bot's.
        if (await this.csat.takeAnswer(botId, visitor, payload)) return;
        const keyword = this.rules.keywordIn(botId, payload.message);
        if (keyword !== null) {
          await this.handoff.start(botId, visitor, payload, 'keyword', { keyword });
          return;
        }
        return this.botkit.sendBotMessage(payload);
      }
      case 'on_bot_message': {
        // The angry user's bot reply is not delivered: the hand-off notice replaces it.
        const tone = this.rules.angriest(botId, payload);
        if (tone && (await this.rules.claimToneEscalation(botId, visitor))) {
          await this.handoff.start(botId, visitor, payload, 'tone', tone);
          return;
        }
        return this.botkit.sendUserMessage(payload);
      }
      case 'on_alert':
        return this.botkit.sendAlertMessage(payload);
      case 'on_client_event':
        if (typeof payload.sendBotEventUrl === 'string') return this.botkit.sendBotEvent(payload);
        return;
      default:
        return;
    }
  }

  private async inAgentMode(conversation: Conversation, event: InboundEvent): Promise<void> {
    const { payload } = event;
    switch (event.eventName) {
      case 'on_bot_message':
        await this.conversations.touch(conversation.id, payload);
        this.logger.debug(`conversation ${conversation.id}: bot message held back in agent mode`);
        return;
      case 'on_client_event':
        return this.clientEvent(conversation, payload);
      case 'on_alert':
        await this.conversations.touch(conversation.id, payload);
        return this.botkit.sendAlertMessage(payload);
      case 'on_agent_transfer':
        // The transfer's own retry (its desk chat did not open yet): the hand-off carries on.
        if (!conversation.providerRef) {
          await this.handoff.start(conversation.botId, conversation.visitorKey, payload, 'agent_transfer', nodeOf(event));
          return;
        }
        // A repeated transfer node: only the request context is new.
        await this.conversations.touch(conversation.id, payload);
        return;
      default:
        // An end-of-dialog event: only the request context is new.
        await this.conversations.touch(conversation.id, payload);
        return;
    }
  }

  private async userMessage(event: InboundEvent): Promise<void> {
    const { payload, botId, visitor } = event;
    const ending = this.rules.isEndCommand(botId, payload.message);
    const text = typeof payload.message === 'string' ? payload.message : JSON.stringify(payload.message ?? '');
    // The platform drops agent mode on its own (its 15-minute reset): the next message comes without
    // `agent_transfer: true` and is the bot's again.
    const take = await this.intake.takeUserMessage(botId, visitor, payload, ending ? null : { externalId: event.requestId, text }, payload.agent_transfer === false, event.payloadJson);
    if (!take) return this.withBot(event);
    switch (take.kind) {
      case 'reset':
        await this.handoff.end(take.conversationId, 'platform_reset', 'platform');
        return this.botkit.sendBotMessage(payload);
      case 'context':
        await this.handoff.end(take.conversation.id, 'user_ended', `user:${take.conversation.visitorKey}`);
        return;
      case 'repeat':
        if (await this.handoff.messageLeft(take.conversation)) return;
        return this.delivery.relayAgain(take.conversation, event.requestId);
      case 'stored':
        // A session without a desk chat may be one waiting for a message left for a closed team.
        if (!take.conversation.providerRef && (await this.handoff.messageLeft(take.conversation))) return;
        // No timer call per message: the inactivity job re-reads last_activity_at and re-arms itself.
        return this.delivery.relayUserMessage(take.conversation, take.message, take.sendNow);
    }
  }

  private async clientEvent(conversation: Conversation, payload: BotkitPayload): Promise<void> {
    const predefined = payload.preDefinedEvent as { type?: unknown; id?: unknown } | undefined;
    const type = typeof predefined?.type === 'string' ? CLIENT_ACTIVITY[predefined.type] : undefined;
    const chat = providerChatOf(conversation);
    if (!type || !chat) return;
    const activity: UserActivity =
      type === 'read' ? { type, messageId: typeof predefined?.id === 'string' ? predefined.id : undefined } : { type };
    await this.providers.get(conversation.provider).sendUserActivity(chat, activity);
  }
}

/** The agent-transfer node's component, when the platform posted to its component route (not `default`). */
function nodeOf(event: InboundEvent): HandoffDetail | null {
  return event.componentId && event.componentId !== 'default' ? { node: event.componentId } : null;
}
