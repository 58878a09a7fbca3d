/** The transcript row of a session's rating question; one per session (the transcript's unique external id). */
export const csatExternalId = (conversationId: string): string => `csat:${conversationId}`;

/** What a quick reply sends back: distinct from typed text, so the platform's history tells them apart. */
export const CSAT_PAYLOAD_PREFIX = 'csat-';

const STARS = ['★', '★★', '★★★', '★★★★', '★★★★★'];
const WORDS: Record<string, number> = { one: 1, two: 2, three: 3, four: 4, five: 5 };

/** Kore's quick-reply template: the question and five choices, poor to excellent. */
export function csatTemplate(prompt: string): { type: 'template'; payload: Record<string, unknown> } {
  return {
    type: 'template',
    payload: {
      template_type: 'quick_replies',
      text: prompt,
      quick_replies: STARS.map((title, i) => ({ content_type: 'text', title: `${i + 1} ${title}`, payload: `${CSAT_PAYLOAD_PREFIX}${i + 1}` })),
    },
  };
}

/** The question's text, from the stored template (the fallback `message` beside the template). */
export function csatPromptText(stored: string): string {
  try {
    const text = (JSON.parse(stored) as { payload?: { text?: unknown } }).payload?.text;
    return typeof text === 'string' ? text : stored;
  } catch {
    return stored;
  }
}

/**
 * A rating when the whole message is one: the quick reply's payload, or typed as "4", "4/5",
 * "4 out of 5", "4 stars", "four", "★★★★". A sentence that holds a digit ("I have 2 questions")
 * is not one, and goes to the bot.
 */
export function parseRating(message: unknown): number | null {
  if (typeof message !== 'string') return null;
  const text = message.trim().toLowerCase().replace(/[.!]+$/, '');
  if (text.startsWith(CSAT_PAYLOAD_PREFIX)) return score(text.slice(CSAT_PAYLOAD_PREFIX.length));
  const stars = /^(?:⭐|★){1,5}$/u.exec(text);
  if (stars) return [...text].length;
  const typed = /^([1-5]|one|two|three|four|five)(?:\s*(?:\/|out of|of)\s*(?:5|five))?(?:\s*stars?)?$/.exec(text);
  return typed ? score(typed[1]!) : null;
}

function score(text: string): number | null {
  const n = WORDS[text] ?? (/^[1-5]$/.test(text) ? Number(text) : NaN);
  return Number.isInteger(n) ? n : null;
}
