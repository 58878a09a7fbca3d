import type { Client } from 'pg';
import { hashPassword } from '@agent-bridge/console';
import { TEST_BOT, waitFor } from '@agent-bridge/testing';
import type { PlatformSim } from '../apps/platform-sim/src';
import type { BridgeProcess } from './bridge-process';
import { ConsoleClient } from './console-client';

const bot = TEST_BOT.botId;
const PASSWORD = 'correct horse battery staple';

/** Ann, an agent, and Ada, an admin, in the test's database; call once per database. */
export async function addPeople(db: Client): Promise<void> {
  const hash = await hashPassword(PASSWORD);
  await db.query(`INSERT INTO agents (email, name, role, password_hash, max_chats) VALUES ('ann@example.com', 'Ann', 'agent', $1, 10), ('ada@example.com', 'Ada', 'admin', $1, 1)`, [hash]);
}

/** Ann's console socket on `bridge`, signed in and given her session. */
export async function agentOn(bridge: BridgeProcess): Promise<ConsoleClient> {
  const { body } = await ConsoleClient.signIn(bridge.url, 'ann@example.com', PASSWORD);
  const agent = new ConsoleClient(bridge.url, body.token);
  await agent.connected();
  await agent.waitForEvent('session', () => true, 30_000);
  return agent;
}

/**
 * What travels over Redis pub/sub between two bridge processes (console desk): the agent's socket is
 * on A, the user's events and an admin's change arrive at B. The conversation, each user message
 * and the new texts reach A only through the socket.io Redis adapter / emitter and the settings
 * channel. `agent` is Ann's socket on A (agentOn).
 */
export async function relayAcrossBridges(agent: ConsoleClient, a: BridgeProcess, b: BridgeProcess, sim: PlatformSim, user: string, messages = 5): Promise<void> {
  try {
    await relay(agent, a, b, sim, user, messages);
  } catch (error) {
    const tail = (p: BridgeProcess): string => p.logs().split('\n').slice(-40).join('\n');
    (error as Error).message += `\n--- A ---\n${tail(a)}\n--- B ---\n${tail(b)}`;
    throw error;
  }
}

async function relay(agent: ConsoleClient, a: BridgeProcess, b: BridgeProcess, sim: PlatformSim, user: string, messages: number): Promise<void> {
  const { body } = await ConsoleClient.signIn(b.url, 'ada@example.com', PASSWORD);
  if (!body?.token) throw new Error('Ada not signed in at B');

  // An admin's change of the bot's texts at B, read back at A: A's copy reloads only on B's message.
  const text = `Ann (${user}) is here.`;
  const put = await fetch(`${b.url}/console/api/admin/bots/${encodeURIComponent(bot)}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${body.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ texts: { agentJoined: text } }),
  });
  if (put.status !== 200) throw new Error(`the texts were not saved at B: ${put.status} ${await put.text()}`);
  await waitFor('the new text at A', async () => {
    const res = await fetch(`${a.url}/console/api/admin/bots/${encodeURIComponent(bot)}`, { headers: { authorization: `Bearer ${body.token}` } });
    return res.status === 200 && JSON.stringify(await res.json()).includes(text);
  }, 30_000);

  sim.setBridgeUrl(b.url);
  const send = async (event: string, message?: string): Promise<void> => {
    const { body: event_ } = sim.buildEvent({ botId: bot, event, userId: user, message });
    await waitFor(`${event} taken by B`, async () => {
      const res = await fetch(`${b.url}/sdk/bots/${encodeURIComponent(bot)}/${event}`, { method: 'POST', headers: sim.eventHeaders(bot), body: JSON.stringify(event_) }).catch(() => null);
      await res?.arrayBuffer();
      return res?.status === 200;
    }, 60_000, 50);
  };
  await send('on_agent_transfer');
  const view = await agent.waitForEvent('conversation', (c) => c.visitorKey === user && c.agentId !== null, 60_000);
  await waitFor(`${user} told, in the new text, that Ann joined`, () => sim.delivered(bot, user).includes(text), 60_000);
  const sent = Array.from({ length: messages }, (_, i) => `pubsub ${user} #${i}`);
  for (const message of sent) await send('on_user_message', message);
  const seen = await waitFor(`${user}'s messages on Ann's socket at A`, () => {
    const got = agent.events('message').filter((m) => m.conversationId === view.id && m.kind === 'user').map((m) => m.text as string);
    return got.length >= sent.length ? got : null;
  }, 60_000);
  if (JSON.stringify(seen) !== JSON.stringify(sent)) throw new Error(`on Ann's socket: ${JSON.stringify(seen)}, sent ${JSON.stringify(sent)}`);
  const reply = await agent.call('message:send', { conversationId: view.id, clientId: `${user}-reply`, text: `reply to ${user}` });
  if (!reply?.ok) throw new Error(`the reply was refused: ${JSON.stringify(reply)}`);
  await waitFor(`the reply delivered to ${user}`, () => sim.delivered(bot, user).includes(`reply to ${user}`), 60_000);
}
