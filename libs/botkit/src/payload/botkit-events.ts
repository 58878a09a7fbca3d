/** `on_client_event` is documented (https://developer.kore.ai/docs/bots/sdks/sdk-events/) but stock BotKit answers it 404. */
export const BOTKIT_EVENTS = [
  'on_user_message',
  'on_bot_message',
  'on_webhook',
  'on_agent_transfer',
  'on_event',
  'on_alert',
  'on_variable_update',
  'on_client_event',
] as const;

export type BotkitEventName = (typeof BOTKIT_EVENTS)[number];

const EVENT_SET: ReadonlySet<string> = new Set(BOTKIT_EVENTS);

export function isBotkitEvent(name: string): name is BotkitEventName {
  return EVENT_SET.has(name);
}

/** The payload class BotKit wraps each event in; it decides the echo and outbound body shape. */
export type PayloadClass =
  | 'OnMessagePayload'
  | 'OnHookPayload'
  | 'OnAgentTransferPayload'
  | 'OnEventPayload'
  | 'OnAlertPayload'
  | 'OnVariableUpdate'
  | 'OnClientEventPayload';

export const PAYLOAD_CLASS: Record<BotkitEventName, PayloadClass> = {
  on_user_message: 'OnMessagePayload',
  on_bot_message: 'OnMessagePayload',
  on_webhook: 'OnHookPayload',
  on_agent_transfer: 'OnAgentTransferPayload',
  on_event: 'OnEventPayload',
  on_alert: 'OnAlertPayload',
  on_variable_update: 'OnVariableUpdate',
  on_client_event: 'OnClientEventPayload',
};
