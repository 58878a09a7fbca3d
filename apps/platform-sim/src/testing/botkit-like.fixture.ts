import type { SimBot } from '../sim.types';
import { StandInBridge, type Answer, type ReceivedEvent } from './stand-in-bridge.fixture';

export const TRANSFER_TEXT = 'An agent will be with you shortly';

/** The LiveChat sample's BotKit flow; webhooks are answered 202 and left for the spec to complete. */
export function actLikeBotkit(bridge: StandInBridge, bots: SimBot[]): void {
  bridge.onEvent = async (event: ReceivedEvent): Promise<Answer> => {
    const bot = bots.find((b) => b.botId === event.botId);
    if (!bot) return { status: 404 };
    const body = event.body;
    const call = (url: string, payload: unknown) => bridge.call(url, { auth: StandInBridge.token(bot), body: payload });
    switch (event.event) {
      case 'on_user_message':
        if (!body.agent_transfer) await call(body.sendBotMessageUrl, body);
        break;
      case 'on_bot_message':
        await call(body.sendUserMessageUrl, body);
        break;
      case 'on_agent_transfer':
        await call(body.sendUserMessageUrl, { ...body, message: TRANSFER_TEXT });
        await call(`${body.baseUrl}/startAgentSession/${body.requestId}`, body);
        return { status: 200, body: { headers: { supportsMessageAck: true } } };
      case 'on_webhook':
        return { status: 202, body: { customCode: 'ASYNC_RESPONSE', message: 'AsyncResponse', statusCode: 202 } };
      case 'on_client_event':
        await call(body.sendBotEventUrl, body);
        break;
      default:
        break;
    }
    return { status: 200, body };
  };
}

/** The BotKit call URL for a function on a request, as the bridge builds it. */
export function streamUrl(simUrl: string, botId: string, action: string, requestId?: string): string {
  return `${simUrl}/api/botsdk/stream/${botId}/${action}${requestId ? `/${requestId}` : ''}`;
}
