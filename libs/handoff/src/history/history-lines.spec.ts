import { splitMessage } from '@agent-bridge/botkit';
import { historyLines } from './history-lines';

const out = (text: string, at: string) => ({ type: 'outgoing', createdOn: at, components: [{ data: { text } }] });
const inc = (text: string, at: string) => ({ type: 'incoming', createdOn: at, components: [{ data: { text } }] });

describe('historyLines', () => {
  it('names who wrote each outgoing line from our transcript, and leaves the bot its own', () => {
    const platform = [
      out('ok', '2026-01-01T10:09:00Z'), // the bot again, after the session
      out('ok', '2026-01-01T10:05:01Z'),
      out('An agent will be with you shortly.', '2026-01-01T10:02:00Z'),
      inc('human please', '2026-01-01T10:01:59Z'),
      out('ok', '2026-01-01T10:00:00Z'), // the bot, before any agent said "ok"
    ]; // newest first, as the platform answers
    const relayed = [
      { author: 'system' as const, authorName: null, text: 'An agent will be with you shortly.', createdAt: new Date('2026-01-01T10:02:00Z') },
      { author: 'agent' as const, authorName: 'Ann', text: 'ok', createdAt: new Date('2026-01-01T10:05:00Z') },
    ];
    const lines = historyLines(platform, relayed);
    expect(lines.map((l) => [l.speaker, l.name, l.content])).toEqual([
      ['bot', null, 'ok'],
      ['user', null, 'human please'],
      ['system', null, 'An agent will be with you shortly.'],
      ['agent', 'Ann', 'ok'],
      ['bot', null, 'ok'],
    ]);
  });

  it('matches each part of a long reply the platform got in pieces', () => {
    const long = Array.from({ length: 800 }, (_, i) => `word${i}`).join(' ');
    const parts = splitMessage(long);
    expect(parts.length).toBeGreaterThan(1);
    const platform = parts.map((p, i) => out(p, `2026-01-01T10:00:0${i}Z`)).reverse();
    const lines = historyLines(platform, [{ author: 'agent', authorName: 'Ben', text: long, createdAt: new Date('2026-01-01T10:00:00Z') }]);
    expect(lines.map((l) => l.name)).toEqual(parts.map(() => 'Ben'));
  });
});
