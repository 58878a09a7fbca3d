import { PAYLOAD_CLASS, PayloadClass, type BotkitEventName } from './botkit-events';

/** The inbound body as the platform sends it; no schema is published, so every field is optional. */
export interface InboundBody {
  requestId?: string;
  message?: unknown;
  channel?: {
    type?: string;
    from?: string;
    botLanguage?: string;
    channelInfos?: { from?: string; [key: string]: unknown };
    [key: string]: unknown;
  };
  context?: Record<string, unknown> & {
    session?: { UserContext?: { _id?: string; firstName?: string; lastName?: string; emailId?: string } };
  };
  [key: string]: unknown;
}

/** What a BotKit payload object serialises to: what we echo and what we send back. */
export type BotkitPayload = Record<string, unknown> & {
  __payloadClass: PayloadClass;
  requestId: string;
  botId: string;
  message?: unknown;
  context?: InboundBody['context'];
  channel?: InboundBody['channel'];
};

const URLS = ['sendUserMessageUrl', 'sendBotMessageUrl', 'skipUserMessageUrl', 'skipBotMessageUrl'] as const;

/**
 * Key order and membership of each class's `toJSON()` (github.com/Koredotcom/BotKit, lib/sdk/ObjectTypes).
 * Each entry is [output key, input key]; undefined values vanish as they do in JSON.
 */
const MESSAGE_KEYS: Array<[string, string]> = [
  ...[...URLS, 'getBotVariableUrl', 'context', 'channel', 'message', 'agent_transfer', 'baseUrl', 'isTemplate', 'metaInfo',
    'formattedMessage', 'overrideMessagePayload', 'ackMessage', 'metaTags', 'messageObject', 'sendFeedbackMessageUrl'].map(
    (k): [string, string] => [k, k],
  ),
];

const same = (keys: string[]): Array<[string, string]> => keys.map((k) => [k, k]);

const CLASS_KEYS: Record<PayloadClass, Array<[string, string]>> = {
  OnMessagePayload: [['componentId', 'componentId'], ...MESSAGE_KEYS],
  OnEventPayload: [
    ['componentId', 'componentId'],
    ...MESSAGE_KEYS.filter(([k]) => k !== 'ackMessage'),
    ['event', 'event'],
  ],
  OnAlertPayload: [
    ['componentId', 'componentId'],
    ...MESSAGE_KEYS.filter(([k]) => k !== 'ackMessage' && k !== 'agent_transfer'),
    ['sendAlertMessageUrl', 'sendAlertMessageUrl'],
  ],
  OnClientEventPayload: [
    ['componentId', 'componentId'],
    ...MESSAGE_KEYS.filter(([k]) => k !== 'ackMessage'),
    ...same(['preDefinedEvent', 'customEvent', 'botInfo', 'sendBotEventUrl']),
  ],
  OnHookPayload: [
    ['componentId', 'componentId'],
    ['componentName', 'dialogComponentName'],
    ...same([...URLS, 'getBotVariableUrl', 'callbackUrl', 'context', 'channel', 'message', 'contextId', 'metaTags',
      'messageObject', 'sendFeedbackMessageUrl']),
  ],
  // BotKit's OnAgentTransferPayload.toJSON() leaves out the inbound `message`.
  OnAgentTransferPayload: same(['callbackUrl', 'context', 'channel', 'baseUrl', ...URLS, 'getBotVariableUrl',
    'overrideMessagePayload', 'metaTags', 'messageObject', 'sendFeedbackMessageUrl']),
  OnVariableUpdate: [
    ['componentId', 'componentId'],
    ...same(['context', 'channel', 'message']),
    ['variable', 'data.variable'],
    ['eventType', 'data.eventType'],
    ...same(['getBotVariableUrl', ...URLS, 'resetBotUrl']),
    ['language', 'data.language'],
    ...same(['agent_transfer', 'baseUrl', 'ackMessage', 'metaTags', 'messageObject', 'sendFeedbackMessageUrl']),
  ],
};

const DEFAULTS: Partial<Record<PayloadClass, Record<string, unknown>>> = {
  OnMessagePayload: { agent_transfer: false, ackMessage: true },
  OnEventPayload: { agent_transfer: false },
  OnClientEventPayload: { agent_transfer: false },
  OnVariableUpdate: { agent_transfer: false, ackMessage: true },
};

function read(body: InboundBody, path: string): unknown {
  if (!path.startsWith('data.')) return body[path];
  const data = body.data;
  return data && typeof data === 'object' ? (data as Record<string, unknown>)[path.slice(5)] : undefined;
}

export interface PayloadSource {
  eventName: BotkitEventName;
  requestId: string;
  botId: string;
  componentId: string;
  body: InboundBody;
}

/** Builds the payload JSON BotKit would produce for an inbound event. */
export function toBotkitPayload({ eventName, requestId, botId, componentId, body }: PayloadSource): BotkitPayload {
  const payloadClass = PAYLOAD_CLASS[eventName];
  const out: Record<string, unknown> = { __payloadClass: payloadClass, requestId, botId };
  const defaults = DEFAULTS[payloadClass] ?? {};
  const input: InboundBody = { ...body, componentId };
  for (const [key, from] of CLASS_KEYS[payloadClass]) {
    const value = read(input, from) ?? defaults[key];
    if (value !== undefined) out[key] = value;
  }
  return out as BotkitPayload;
}
