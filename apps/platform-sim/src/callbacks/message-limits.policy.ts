/**
 * The platform's limits for sendBotMessage, in UTF-16 units as its JavaScript counts. Not imported
 * from the bridge, so the simulator checks it independently of its own code.
 */
export const MAX_MESSAGE_CHARS = 3000;
export const MAX_WORD_CHARS = 1200;

export function messageLimitViolation(message: string): string | undefined {
  if (message.length > MAX_MESSAGE_CHARS) {
    return `message is ${message.length} characters; at most ${MAX_MESSAGE_CHARS} are allowed`;
  }
  const longest = message.split(/\s+/).reduce((max, word) => Math.max(max, word.length), 0);
  if (longest > MAX_WORD_CHARS) return `message has a ${longest}-character word; at most ${MAX_WORD_CHARS} are allowed per word`;
  return undefined;
}
