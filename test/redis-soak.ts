import type { Client } from 'pg';
import { TEST_BOT, waitFor } from '@agent-bridge/testing';
import type { PlatformSim } from '../apps/platform-sim/src';
import { LoopbackDesk } from './loopback-desk.client';

const bot = TEST_BOT.botId;

export interface SoakOptions {
  bridgeUrl: string;
  sim: PlatformSim;
  db: Client;
  users: number;
  messages: number;
  /** Started (not awaited) once this many of the users' messages have been taken (user messages go faster than the agent's). */
  midway?: { after: number; run: (progress: { refusals(): number }) => Promise<unknown> };
  /** What to show when the soak fails (the bridge's last log lines). */
  onFailure?: () => string;
}

export interface SoakResult {
  /** Answers other than 200 (or cut requests) that the senders retried. */
  refusals: number;
  /** Messages taken (both ways) when `midway` started. */
  midwayAt: number;
  total: number;
}

/**
 * A sender that retries what was not taken, with the same ids (as Kore and a desk do), until taken.
 * It waits on the answer, never on a clock: the retry follows the previous answer at once.
 */
class Sender {
  refusals = 0;
  taken = 0;

  async send(label: string, request: () => Promise<number>): Promise<void> {
    await waitFor(`${label} taken`, async () => {
      const status = await request().catch(() => 0);
      if (status !== 200) this.refusals++;
      return status === 200;
    }, 90_000, 50);
    this.taken++;
  }
}

const texts = (prefix: string, user: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix} ${user} #${i}`);

/**
 * Users hand off to the loopback desk, an agent joins, then every user and the agent send `messages`
 * each way at once, each way in order. Returns when every message is on the other side and stored
 * once, in order, in Postgres (the transcript), and nothing more arrives.
 */
export async function soak(options: SoakOptions): Promise<SoakResult> {
  try {
    return await run(options);
  } catch (error) {
    if (options.onFailure) (error as Error).message += `\n--- bridge log ---\n${options.onFailure()}`;
    throw error;
  }
}

async function run(options: SoakOptions): Promise<SoakResult> {
  const { bridgeUrl, sim, db } = options;
  const users = Array.from({ length: options.users }, (_, i) => `u-${i}`);
  const desk = new LoopbackDesk(bridgeUrl);
  const sender = new Sender();
  const fromPlatform = async (userId: string, event: string, message?: string): Promise<void> => {
    // Built once: every retry is the same event (same requestId), as the platform's own retry is.
    const { body } = sim.buildEvent({ botId: bot, event, userId, message });
    await sender.send(`${event} of ${userId}`, async () => {
      const res = await fetch(`${bridgeUrl}/sdk/bots/${encodeURIComponent(bot)}/${event}`, { method: 'POST', headers: sim.eventHeaders(bot), body: JSON.stringify(body) });
      await res.arrayBuffer();
      return res.status;
    });
  };

  for (const user of users) await fromPlatform(user, 'on_agent_transfer');
  const refs = new Map<string, string>();
  for (const user of users) {
    const chat = await desk.chatFor(user, 30_000);
    refs.set(user, chat.ref);
    await desk.join(chat.ref, 'agent-1', 'Alice', 30_000);
  }
  for (const user of users) await waitFor(`${user} told the agent joined`, () => sim.delivered(bot, user).some((m) => m.includes('Alice')), 30_000);

  let midwayAt = -1;
  let midway: Promise<unknown> | undefined;
  let fromUsers = 0;
  const maybeMidway = (): void => {
    if (!options.midway || midway || fromUsers < options.midway.after) return;
    midwayAt = sender.taken - baseline;
    midway = options.midway.run({ refusals: () => sender.refusals });
  };
  const baseline = sender.taken;
  await Promise.all(
    users.flatMap((user) => [
      (async () => {
        for (const text of texts('from user', user, options.messages)) {
          await fromPlatform(user, 'on_user_message', text);
          fromUsers++;
          maybeMidway();
        }
      })(),
      (async () => {
        for (const [i, text] of texts('from agent', user, options.messages).entries()) {
          await sender.send(`agent message ${i} of ${user}`, () => desk.say(refs.get(user)!, `${user}-${i}`, text));
          maybeMidway();
        }
      })(),
    ]),
  );
  await midway;

  for (const user of users) {
    const asked = texts('from user', user, options.messages);
    const onDesk = await waitFor(`${user}'s messages on the desk`, async () => {
      const got = (await desk.messages(refs.get(user)!)).filter((t) => t.startsWith('from user'));
      return got.length >= asked.length ? got : null;
    }, 90_000).catch(async () => {
      // Say what is missing where, rather than only that the wait ran out.
      const { rows } = await db.query<{ text: string; delivery_state: string }>(`SELECT text, delivery_state FROM transcript_messages WHERE text LIKE $1 ORDER BY id`, [`from user ${user} #%`]);
      const stored = rows.map((r) => `${r.text}:${r.delivery_state}`);
      const got = (await desk.messages(refs.get(user)!)).filter((t) => t.startsWith('from user'));
      throw new Error(`${user}'s messages: desk has ${got.length} of ${asked.length}, missing ${JSON.stringify(asked.filter((t) => !got.includes(t)))}; transcript ${JSON.stringify(stored)}`);
    });
    expectSame(onDesk, asked, `${user}'s messages on the desk`);
    const replies = texts('from agent', user, options.messages);
    const toUser = await waitFor(`${user}'s replies delivered`, () => {
      const got = sim.delivered(bot, user).filter((t) => t.startsWith('from agent'));
      return got.length >= replies.length ? got : null;
    }, 90_000);
    expectSame(toUser, replies, `${user}'s replies at the platform`);
  }
  // The record: every message stored once, in the order sent, and delivered; nothing doubled late.
  await waitFor('every message delivered in the record', async () => {
    const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM transcript_messages WHERE text LIKE 'from %' AND delivery_state <> 'delivered'`);
    return rows[0].n === 0;
  }, 90_000);
  for (const user of users) {
    for (const prefix of ['from user', 'from agent']) {
      const { rows } = await db.query<{ text: string }>(`SELECT text FROM transcript_messages WHERE text LIKE $1 ORDER BY id`, [`${prefix} ${user} #%`]);
      expectSame(rows.map((r) => r.text), texts(prefix, user, options.messages), `${prefix} ${user} in the transcript`);
    }
    expectSame((await desk.messages(refs.get(user)!)).filter((t) => t.startsWith('from user')), texts('from user', user, options.messages), `${user}'s messages on the desk, at the end`);
    expectSame(sim.delivered(bot, user).filter((t) => t.startsWith('from agent')), texts('from agent', user, options.messages), `${user}'s replies, at the end`);
  }
  return { refusals: sender.refusals, midwayAt, total: sender.taken - baseline };
}

function expectSame(got: string[], wanted: string[], what: string): void {
  if (got.length === wanted.length && got.every((t, i) => t === wanted[i])) return;
  const missing = wanted.filter((t) => !got.includes(t));
  const doubled = got.filter((t, i) => got.indexOf(t) !== i);
  throw new Error(`${what}: ${got.length} of ${wanted.length}; missing ${JSON.stringify(missing)}, doubled ${JSON.stringify(doubled)}, order ${missing.length === 0 && doubled.length === 0 ? 'wrong' : 'n/a'}`);
}
