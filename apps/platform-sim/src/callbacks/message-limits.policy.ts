/**
 * The platform's limits on a message sent to the bot (sdk-functions: sendBotMessage): at most 3000
 * characters, and no word over 1200. Counted in UTF-16 units, as the platform's JavaScript would.
 * Kept here rather than imported, so the simulator checks the bridge independently of its own code.
 */
export const MAX_MESSAGE_CHARS = 3000;
export const MAX_WORD_CHARS = 1200;

/** Why the message breaks the limits, or undefined when it is within them. */
export function messageLimitViolation(message: string): string | undefined {
  if (message.length > MAX_MESSAGE_CHARS) {
    return `message is ${message.length} characters; at most ${MAX_MESSAGE_CHARS} are allowed`;
  }
  const longest = message.split(/\s+/).reduce((max, word) => Math.max(max, word.length), 0);
  if (longest > MAX_WORD_CHARS) return `message has a ${longest}-character word; at most ${MAX_WORD_CHARS} are allowed per word`;
  return undefined;
}
