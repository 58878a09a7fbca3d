import { PAYLOAD_CLASS, type BotkitEventName } from './botkit-events';

/**
 * Left out of the payload by BotKit's `toJSON()`, so never in the ack or a stored payload: Kore's SDK
 * reads them from the request, we carry them beside the payload.
 */
export interface RequestUrls {
  resetBotUrl?: string;
  clearConversationSessionUrl?: string;
}

const FIELDS = ['resetBotUrl', 'clearConversationSessionUrl'] as const;

export function requestUrlsOf(eventName: BotkitEventName, body: Record<string, unknown>): RequestUrls | undefined {
  let urls: RequestUrls | undefined;
  for (const field of FIELDS) {
    // OnVariableUpdate's toJSON() keeps resetBotUrl: the payload has it already.
    if (field === 'resetBotUrl' && PAYLOAD_CLASS[eventName] === 'OnVariableUpdate') continue;
    const value = body[field];
    if (typeof value === 'string' && /^https?:\/\//.test(value)) (urls ??= {})[field] = value;
  }
  return urls;
}
