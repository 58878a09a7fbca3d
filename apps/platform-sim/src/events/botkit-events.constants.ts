import type { BotkitEventName } from '@agent-bridge/botkit';

/** Typed against the lib's names so the two cannot drift; defined here because the lib's entry point loads Nest. */
export const SUBSCRIBABLE_EVENTS = [
  'on_user_message',
  'on_bot_message',
  'on_webhook',
  'on_agent_transfer',
  'on_event',
  'on_alert',
  'on_variable_update',
  'on_client_event',
] as const satisfies readonly BotkitEventName[];

// Fails to compile if the lib gains an event this list lacks.
type Missing = Exclude<BotkitEventName, (typeof SUBSCRIBABLE_EVENTS)[number]>;
const exhaustive: [Missing] extends [never] ? true : never = true;
void exhaustive;

export function isSubscribableEvent(name: string): name is BotkitEventName {
  return (SUBSCRIBABLE_EVENTS as readonly string[]).includes(name);
}
