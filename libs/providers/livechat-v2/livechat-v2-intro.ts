
/** `chat/start` refuses a longer `welcome_message`. */
export const WELCOME_MAX = 1024;
import { type OpenChatRequest } from '@agent-bridge/desk-port';
/** Marks what the bridge says in the visitor's name, so the agent does not take it for the user. */
export const NOTICE_PREFIX = '[agent-bridge] ';

const WHY: Record<OpenChatRequest['trigger'], string> = {
  agent_transfer: 'the bot transferred the chat',
  tone: 'the user sounded upset',
  keyword: 'the user asked for a person',
};

/** The history link is never cut (half a link opens nothing); an overlong name gives way instead. */
export function welcomeMessage(request: OpenChatRequest): string {
  const tail = ` was handed over: ${WHY[request.trigger]}.\nHistory with the bot: ${request.historyUrl}`;
  const full = `${request.user.name ? `${request.user.name} (${request.user.id})` : request.user.id}${tail}`;
  if (full.length <= WELCOME_MAX) return full;
  const room = Math.max(WELCOME_MAX - tail.length, 40);
  return `${full.slice(0, room - 1)}…${tail}`.slice(0, WELCOME_MAX);
}

export function recentMessagesText(request: OpenChatRequest): string | null {
  if (request.recentMessages.length === 0) return null;
  const lines = request.recentMessages.map((m) => `${m.from === 'user' ? 'User' : 'Bot'}: ${m.text}`);
  return `${NOTICE_PREFIX}Last messages with the bot:\n${lines.join('\n')}`;
}

/** "Client" is LiveChat's default. */
export function visitorName(request: OpenChatRequest): string {
  return (request.user.name ?? request.user.id).slice(0, 100) || 'Client';
}
