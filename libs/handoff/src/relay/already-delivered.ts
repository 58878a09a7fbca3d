import { splitMessage, type BotkitClient, type BotkitPayload } from '@agent-bridge/botkit';

/** The platform's clock and ours may differ a little. */
const CLOCK_SKEW_MS = 5000;
/** A re-run follows a crash within seconds: the message, if it went out, is among the newest. */
const LOOKBACK = 50;

/**
 * A send cut off by a crash may have reached the platform first. Asked only when a delivery runs again;
 * when the platform cannot answer, the caller sends again (at least once).
 */
export async function alreadyDelivered(botkit: BotkitClient, payload: BotkitPayload, text: string, since: Date): Promise<boolean> {
  const first = splitMessage(text)[0] ?? text;
  try {
    const { messages } = await botkit.getMessages(payload, { limit: LOOKBACK }, { attempts: 1 });
    const from = since.getTime() - CLOCK_SKEW_MS;
    return messages.some(
      (m) =>
        m.type === 'outgoing' &&
        typeof m.createdOn === 'string' &&
        Date.parse(m.createdOn) >= from &&
        (m.components ?? []).some((c) => c.data?.text === first),
    );
  } catch {
    return false;
  }
}
