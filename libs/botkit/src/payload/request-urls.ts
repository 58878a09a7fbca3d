import { PAYLOAD_CLASS, type BotkitEventName } from './botkit-events';

/**
 * URLs the platform sends with a request that BotKit's `toJSON()` leaves out of the payload, so
 * they never reach the acknowledgement or a stored payload. Kore's SDK reads them from the inbound
 * request; we carry them beside the payload, for resetBot and closeConversationSession.
 */
export interface RequestUrls {
  resetBotUrl?: string;
  clearConversationSessionUrl?: string;
}

const FIELDS = ['resetBotUrl', 'clearConversationSessionUrl'] as const;

/** The request-only URLs of an inbound body, or undefined when it has none (nothing to carry). */
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
