import { createHmac } from 'node:crypto';
import type { BotHandoffSettings, HandoffMessages, ToneRule } from './config.types';

export const DEFAULT_MESSAGES: HandoffMessages = {
  waiting: 'An agent will be with you shortly.',
  agentJoined: '{agent} has joined the chat.',
  agentLeft: 'The agent has ended the chat. You are back with the assistant.',
  userEnded: 'You have left the chat with the agent. You are back with the assistant.',
  inactivity: 'The chat with the agent was closed after {duration} without activity.',
  queueTimeout: 'No agent is available right now. You are back with the assistant.',
  unavailable: 'We could not reach an agent right now. You are back with the assistant.',
  deliveryFailed: 'Your last message could not be delivered to the agent.',
  outsideHours: 'Our agents are away right now. We open again {next}. You are back with the assistant.',
  outsideHoursLeaveMessage: 'Our agents are away right now. We open again {next}. Write your message here and the team will get back to you.',
  offlineMessageThanks: 'Thank you, your message is with the team. You are back with the assistant.',
  csatPrompt: 'How would you rate the help you got from our agent? 1 is poor, 5 is excellent.',
  csatThanks: 'Thank you for your rating!',
};

/** Parses `angry:2,disgust:3` into tone rules; returns null when the text is not of that shape. */
export function parseToneRules(text: string): ToneRule[] | null {
  const rules: ToneRule[] = [];
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const match = /^([a-z_]+):(-?[0-3])$/i.exec(part);
    if (!match) return null;
    rules.push({ tone: match[1]!.toLowerCase(), level: Number(match[2]) });
  }
  return rules;
}

export function parseKeywords(text: string): string[] {
  return text.split(',').map((k) => k.trim().toLowerCase()).filter(Boolean);
}

/** A stable per-deployment secret for history links when none is configured. */
export function deriveLinkSecret(seed: string): string {
  return createHmac('sha256', seed).update('agent-bridge/history-link/v1').digest('base64url');
}

export function checkBotHandoff(botId: string, raw: unknown): { value?: Partial<BotHandoffSettings>; problems: string[] } {
  if (raw === undefined) return { problems: [] };
  const problems: string[] = [];
  if (!raw || typeof raw !== 'object') return { problems: [`BOTS_FILE: bot "${botId}" handoff must be a map`] };
  const h = raw as Record<string, unknown>;
  const value: Partial<BotHandoffSettings> = {};
  if (h.provider !== undefined) {
    if (typeof h.provider === 'string' && h.provider) value.provider = h.provider;
    else problems.push(`BOTS_FILE: bot "${botId}" handoff.provider must be a provider name`);
  }
  if (h.toneEscalation !== undefined) {
    if (typeof h.toneEscalation === 'boolean') value.toneEscalation = h.toneEscalation;
    else problems.push(`BOTS_FILE: bot "${botId}" handoff.toneEscalation must be true or false`);
  }
  if (h.toneRules !== undefined) {
    const rules = typeof h.toneRules === 'string' ? parseToneRules(h.toneRules) : null;
    if (rules) value.toneRules = rules;
    else problems.push(`BOTS_FILE: bot "${botId}" handoff.toneRules must look like "angry:2,disgust:3"`);
  }
  if (h.keywords !== undefined) {
    if (Array.isArray(h.keywords) && h.keywords.every((k) => typeof k === 'string')) value.keywords = h.keywords.map((k) => k.toLowerCase());
    else problems.push(`BOTS_FILE: bot "${botId}" handoff.keywords must be a list of words`);
  }
  if (h.endCommand !== undefined) {
    if (typeof h.endCommand === 'string' && h.endCommand) value.endCommand = h.endCommand;
    else problems.push(`BOTS_FILE: bot "${botId}" handoff.endCommand must be a word`);
  }
  if (h.messages !== undefined) {
    const messages = h.messages as Record<string, unknown>;
    const unknown = Object.keys(messages ?? {}).filter((k) => !(k in DEFAULT_MESSAGES) || typeof messages[k] !== 'string');
    if (!messages || typeof messages !== 'object' || unknown.length) {
      problems.push(`BOTS_FILE: bot "${botId}" handoff.messages may only set texts for ${Object.keys(DEFAULT_MESSAGES).join(', ')}`);
    } else {
      value.messages = { ...DEFAULT_MESSAGES, ...(messages as Partial<HandoffMessages>) };
    }
  }
  return { value, problems };
}
