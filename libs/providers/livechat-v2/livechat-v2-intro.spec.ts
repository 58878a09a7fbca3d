import { recentMessagesText, welcomeMessage, WELCOME_MAX } from './livechat-v2-intro';
import { type OpenChatRequest } from '@agent-bridge/desk-port';

const request = (overrides: Partial<OpenChatRequest> = {}): OpenChatRequest => ({
  conversationId: 'c-1',
  botId: 'st-1',
  visitorKey: 'u-1',
  user: { id: 'u-1', name: 'Dana Doe', email: null },
  recentMessages: [],
  historyUrl: 'https://bridge.example/history/abc.def',
  trigger: 'keyword',
  team: null,
  ...overrides,
});

describe('livechat-v2 welcome message', () => {
  it('starts with the name and id, why, then the history link', () => {
    expect(welcomeMessage(request())).toBe('Dana Doe (u-1) was handed over: the user asked for a person.\nHistory with the bot: https://bridge.example/history/abc.def');
  });

  it('stays within 1024 characters by shortening the name, never the link', () => {
    const text = welcomeMessage(request({ user: { id: 'u-1', name: 'N'.repeat(3000), email: null } }));
    expect(text.length).toBeLessThanOrEqual(WELCOME_MAX);
    expect(text.endsWith('History with the bot: https://bridge.example/history/abc.def')).toBe(true);
    expect(text.startsWith('NNN')).toBe(true);
  });

  it('puts the recent messages in a marked follow-up, or none', () => {
    expect(recentMessagesText(request())).toBeNull();
    const text = recentMessagesText(request({ recentMessages: [{ from: 'user', text: 'hi', at: null }, { from: 'bot', text: 'hello', at: null }] }));
    expect(text).toBe('[agent-bridge] Last messages with the bot:\nUser: hi\nBot: hello');
  });
});
