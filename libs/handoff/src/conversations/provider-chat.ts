import type { ProviderChat } from '../providers/handoff-provider';
import type { Conversation } from './conversation.types';

/** What an adapter gets to know about a session; null while the provider chat is not open yet. */
export function providerChatOf(conversation: Conversation): ProviderChat | null {
  if (!conversation.providerRef) return null;
  return {
    conversationId: conversation.id,
    ref: conversation.providerRef,
    botId: conversation.botId,
    visitorKey: conversation.visitorKey,
    agentId: conversation.agentId,
  };
}

/** Fills `{agent}` and `{minutes}` in a configured text. */
export function fillTemplate(text: string, values: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (whole, key: string) => (key in values ? String(values[key]) : whole));
}

/** "15 minutes", "1 minute", "45 seconds": how a timeout reads in a notice. */
export function humanDuration(seconds: number): string {
  const [value, unit] = seconds >= 120 || seconds % 60 === 0 ? [Math.round(seconds / 60), 'minute'] : [seconds, 'second'];
  return `${value} ${unit}${value === 1 ? '' : 's'}`;
}
