import { BotkitError, BotkitErrorCode } from './botkit.errors';

/** https://developer.kore.ai/docs/bots/sdks/functions-for-the-botkit-sdk/#sdk-sendbotmessage */
export const MAX_MESSAGE_CHARS = 3000;
export const MAX_WORD_CHARS = 1200;

/** In UTF-16 code units, as the platform's JavaScript counts. */
export function checkMessageLimits(message: unknown): void {
  if (typeof message !== 'string') return;
  if (message.length > MAX_MESSAGE_CHARS) {
    throw new BotkitError(
      BotkitErrorCode.MessageTooLong,
      `message is ${message.length} characters; the platform accepts at most ${MAX_MESSAGE_CHARS}`,
    );
  }
  for (const word of message.split(/\s+/)) {
    if (word.length > MAX_WORD_CHARS) {
      throw new BotkitError(
        BotkitErrorCode.MessageTooLong,
        `message has a ${word.length}-character word; the platform accepts at most ${MAX_WORD_CHARS} per word`,
      );
    }
  }
}

/** Cuts inside a word only when the word itself is over the per-word limit. Nothing is dropped. */
export function splitMessage(text: string, maxChars = MAX_MESSAGE_CHARS, maxWord = MAX_WORD_CHARS): string[] {
  const parts: string[] = [];
  let current = '';
  const tokens = text.match(/\s+|\S+/g) ?? [];
  const push = (): void => {
    if (current.trim()) parts.push(current.trim());
    current = '';
  };
  for (const token of tokens) {
    const pieces = /\S/.test(token) && token.length > maxWord ? chunk(token, maxWord) : [token];
    pieces.forEach((piece, index) => {
      // A word over the per-word limit must be broken with whitespace, or the platform refuses it.
      const separator = index < pieces.length - 1 ? ' ' : '';
      if (current.length + piece.length + separator.length > maxChars) push();
      if (current === '' && !/\S/.test(piece)) return;
      current += piece + separator;
    });
  }
  push();
  return parts;
}

function chunk(word: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < word.length; i += size) out.push(word.slice(i, i + size));
  return out;
}
