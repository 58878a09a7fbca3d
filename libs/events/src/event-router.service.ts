import { Injectable, Logger } from '@nestjs/common';
import { BotkitClient } from '@agent-bridge/botkit';
import type { InboundEvent } from './inbound-event';

/**
 * What happens to an event once it is acknowledged. With no agent session this is what a plain
 * BotKit pass-through does: user messages go to the bot, bot messages to the user.
 */
@Injectable()
export class EventRouterService {
  private readonly logger = new Logger(EventRouterService.name);

  constructor(private readonly botkit: BotkitClient) {}

  async route(event: InboundEvent): Promise<void> {
    const { payload } = event;
    switch (event.eventName) {
      case 'on_user_message':
        return this.botkit.sendBotMessage(payload);
      case 'on_bot_message':
        return this.botkit.sendUserMessage(payload);
      case 'on_alert':
        return this.botkit.sendAlertMessage(payload);
      case 'on_client_event':
        // Kore's documented handler forwards client events to the bot; without the URL there is nowhere to send.
        if (typeof payload.sendBotEventUrl === 'string') return this.botkit.sendBotEvent(payload);
        return;
      case 'on_agent_transfer':
      case 'on_event':
      case 'on_variable_update':
      case 'on_webhook':
        this.logger.debug(`${event.eventName} ${event.requestId}: acknowledged, nothing to relay`);
        return;
    }
  }
}
