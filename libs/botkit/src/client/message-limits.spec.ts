import { BotkitError } from './botkit.errors';
import { checkMessageLimits, MAX_MESSAGE_CHARS, MAX_WORD_CHARS, splitMessage } from './message-limits';

const nonSpace = (s: string): string => s.replace(/\s+/g, '');

describe('message limits', () => {
  it('accepts a message at the limits and rejects one over them', () => {
    expect(() => checkMessageLimits('a'.repeat(MAX_WORD_CHARS))).not.toThrow();
    expect(() => checkMessageLimits('a'.repeat(MAX_WORD_CHARS + 1))).toThrow(BotkitError);
    expect(() => checkMessageLimits('ab '.repeat(1000))).not.toThrow();
    expect(() => checkMessageLimits('ab '.repeat(1001))).toThrow(/3003 characters/);
  });

  it('leaves a short message whole', () => {
    expect(splitMessage('hello there')).toEqual(['hello there']);
  });

  it.each([
    ['many short words', 'lorem ipsum dolor '.repeat(700)],
    ['one giant word', 'x'.repeat(5000)],
    ['mixed', `${'word '.repeat(500)}${'y'.repeat(2500)} tail ${'z '.repeat(1600)}`],
  ])('splits %s into parts that all pass and lose nothing', (_name, text) => {
    const parts = splitMessage(text);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(MAX_MESSAGE_CHARS);
      expect(() => checkMessageLimits(part)).not.toThrow();
    }
    expect(nonSpace(parts.join(''))).toBe(nonSpace(text));
  });
});
