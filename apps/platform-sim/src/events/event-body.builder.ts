import { randomUUID } from 'node:crypto';
import type { RegisteredBot } from '../state/bot.registry';

export interface ToneEntry {
  tone_name: string;
  level: number;
  count: number;
}

export interface EventBodyInput {
  bot: RegisteredBot;
  event: string;
  requestId: string;
  userId: string;
  message?: string;
  /** on_webhook: the SDK webhook node's component name (`dialogComponentName`). */
  componentName?: string;
  agentTransfer: boolean;
  messageTone?: ToneEntry[];
  dialogTone?: ToneEntry[];
  simUrl: string;
  preDefinedEvent?: { type: string; id?: string };
}

/** The user's profile the platform keeps; the sandbox derives it from the id so it is stable. */
function userContext(userId: string): Record<string, unknown> {
  const local = userId.replace(/[^A-Za-z0-9._-]/g, '-') || 'user';
  return { _id: userId, firstName: 'Sandbox', lastName: 'User', emailId: `${local}@example.com`, identities: [] };
}

function channelOf(input: EventBodyInput): Record<string, unknown> {
  const { bot, userId, requestId, message } = input;
  return {
    type: 'rtm',
    from: userId,
    botLanguage: 'en',
    channelInfos: {
      from: userId,
      type: 'rtm',
      requestId,
      body: message,
      client: 'botbuilder',
      handle: { userId, taskBotId: bot.botId },
      botInfo: { chatBot: bot.botName, taskBotId: bot.botId },
    },
  };
}

function contextOf(input: EventBodyInput): Record<string, unknown> {
  const { bot, userId, message } = input;
  const context: Record<string, unknown> = {
    botid: bot.botId,
    entities: {},
    history: [],
    currentTags: { tags: [] },
    historicTags: [{ tags: [] }],
    session: {
      UserContext: userContext(userId),
      BotUserSession: message === undefined ? {} : { lastMessage: { messagePayload: { message: { body: message } } } },
      UserSession: {},
      BotContext: {},
      EnterpriseContext: {},
      opts: { userId, streamId: bot.botId },
    },
  };
  if (input.messageTone?.length) context.message_tone = input.messageTone;
  if (input.dialogTone?.length) context.dialog_tone = input.dialogTone;
  return context;
}

function urlsOf(input: EventBodyInput): Record<string, string> {
  const baseUrl = `${input.simUrl}/api/botsdk/stream/${encodeURIComponent(input.bot.botId)}`;
  const id = encodeURIComponent(input.requestId);
  return {
    baseUrl,
    sendUserMessageUrl: `${baseUrl}/sendUserMessage/${id}`,
    sendBotMessageUrl: `${baseUrl}/sendBotMessage/${id}`,
    skipUserMessageUrl: `${baseUrl}/skipUserMessage/${id}`,
    skipBotMessageUrl: `${baseUrl}/skipBotMessage/${id}`,
    resetBotUrl: `${baseUrl}/resetBot/${id}`,
    clearConversationSessionUrl: `${baseUrl}/clearConversationSession/${id}`,
    getBotVariableUrl: `${baseUrl}/getBotVariable`,
    sendFeedbackMessageUrl: `${baseUrl}/sendFeedbackMessage/${id}`,
  };
}

export function buildEventBody(input: EventBodyInput): Record<string, unknown> {
  const urls = urlsOf(input);
  const body: Record<string, unknown> = {
    requestId: input.requestId,
    ...(input.message === undefined ? {} : { message: input.message }),
    channel: channelOf(input),
    context: contextOf(input),
    agent_transfer: input.agentTransfer,
    ...urls,
    metaInfo: {},
    metaTags: {},
  };
  const callbackUrl = `${urls.baseUrl}/serviceCallback/${encodeURIComponent(input.requestId)}`;
  switch (input.event) {
    case 'on_webhook':
      return { ...body, callbackUrl, dialogComponentName: input.componentName, contextId: `ctx-${randomUUID()}` };
    case 'on_agent_transfer':
      return { ...body, callbackUrl };
    case 'on_event':
      return { ...body, event: { eventType: 'endDialog' } };
    case 'on_alert':
      return { ...body, sendAlertMessageUrl: `${urls.baseUrl}/sendAlertMessage/${encodeURIComponent(input.requestId)}` };
    case 'on_variable_update':
      return { ...body, data: { eventType: 'variable_update', variable: {}, language: 'en' } };
    case 'on_client_event':
      return {
        ...body,
        sendBotEventUrl: `${urls.baseUrl}/sendBotEvent/${encodeURIComponent(input.requestId)}`,
        preDefinedEvent: input.preDefinedEvent ?? { type: 'TYPING_STARTED' },
        customEvent: {},
        botInfo: { chatBot: input.bot.botName, taskBotId: input.bot.botId },
      };
    default:
      return body;
  }
}
