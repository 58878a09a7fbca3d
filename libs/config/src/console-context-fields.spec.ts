import { ConfigError, loadConfig } from './config.loader';

const creds = { KORE_CLIENT_ID: 'cs-1', KORE_CLIENT_SECRET: 'secret' };

describe('CONSOLE_CONTEXT_FIELDS', () => {
  it('is empty when unset', () => {
    expect(loadConfig(creds).console.contextFields).toEqual([]);
  });

  it('reads labelled and bare dotted paths, in order', () => {
    const config = loadConfig({ ...creds, CONSOLE_CONTEXT_FIELDS: ' Last message = session.BotUserSession.lastMessage , intent,Plan=session.UserContext.customData.plan-id' });
    expect(config.console.contextFields).toEqual([
      { label: 'Last message', path: 'session.BotUserSession.lastMessage' },
      { label: 'intent', path: 'intent' },
      { label: 'Plan', path: 'session.UserContext.customData.plan-id' },
    ]);
  });

  it.each(['Bad=a..b', 'Bad=', '=session.x', 'Bad=a b', 'Bad=a.b.'])('refuses "%s", naming the variable', (value) => {
    let problems: string[] = [];
    try {
      loadConfig({ ...creds, CONSOLE_CONTEXT_FIELDS: value });
    } catch (error) {
      if (error instanceof ConfigError) problems = error.problems;
    }
    expect(problems).toEqual([expect.stringContaining('CONSOLE_CONTEXT_FIELDS')]);
  });

  it('refuses more than 30 fields', () => {
    const many = Array.from({ length: 31 }, (_, i) => `f${i}`).join(',');
    expect(() => loadConfig({ ...creds, CONSOLE_CONTEXT_FIELDS: many })).toThrow(/at most 30/);
  });
});
