import { Client } from 'pg';
import { hashPassword } from '@agent-bridge/console';
import { createTestEnvironment, freePort, LOOPBACK_SECRET, TEST_BOT, waitFor, type TestEnvironment } from '@agent-bridge/testing';
import type { PlatformSim } from '../apps/platform-sim/src';
import { BridgeProcess } from './bridge-process';
import { simBot, startSim } from './bridge-harness';
import { ConsoleClient } from './console-client';
import { LoopbackDesk } from './loopback-desk.client';
import { WorkerProcess } from './worker-process';

const bot = TEST_BOT.botId;
const PASSWORD = 'correct horse battery staple';
/** Conversations at once, and messages each way in each of them. */
const USERS = 4;
const MESSAGES = 30;
/** B is killed once this many messages (both ways, all conversations) have been taken. */
const KILL_AFTER = Math.round(USERS * MESSAGES * 2 * 0.35);

/**
 * The production shape: two bridge processes (RUN_WORKERS=false) and one worker process on one
 * Postgres and one Redis; a load balancer in front of the bridges. test/multi-instance.e2e-spec.ts
 * has two instances in one process; here they are OS processes, and one of them is killed with
 * SIGKILL in the middle of the traffic.
 */
class Tier {
  readonly a: BridgeProcess;
  readonly b: BridgeProcess;
  readonly worker: WorkerProcess;

  private constructor(a: BridgeProcess, b: BridgeProcess, worker: WorkerProcess) {
    this.a = a;
    this.b = b;
    this.worker = worker;
  }

  static async start(env: TestEnvironment, desk: Record<string, string>): Promise<Tier> {
    const [portA, portB] = [String(await freePort()), String(await freePort())];
    const settings = { ...desk, RUN_WORKERS: 'false' };
    const a = BridgeProcess.forTest(env, portA, settings);
    const b = BridgeProcess.forTest(env, portB, settings);
    // The worker has no HTTP of its own: links it builds point at the balanced address (A here).
    const worker = new WorkerProcess({
      DATABASE_URL: env.databaseUrl,
      REDIS_URL: env.redisUrl,
      REDIS_KEY_PREFIX: env.keyPrefix,
      PUBLIC_URL: a.url,
      KORE_CLIENT_ID: TEST_BOT.clientId,
      KORE_CLIENT_SECRET: TEST_BOT.clientSecret,
      LOG_LEVEL: 'warn',
      ...desk,
    });
    // One at a time: the first one applies the migrations (they hold an advisory lock anyway).
    await a.start(40_000);
    await Promise.all([b.start(40_000), worker.start(40_000)]);
    return new Tier(a, b, worker);
  }

  async stop(): Promise<void> {
    await Promise.all([this.a.stop(), this.b.stop(), this.worker.kill('SIGTERM')]);
  }
}

/**
 * A load balancer's view of the bridges: requests alternate between them; a request refused or cut
 * (the process died under it) is sent again, with the same ids, to the next bridge, and a bridge
 * that cut one is taken out, as a health check would. Records which bridge took each request.
 */
class Balancer {
  private turn = 0;
  private readonly down = new Set<string>();
  readonly taken = new Map<string, number>();

  constructor(private readonly urls: string[]) {}

  async send(label: string, request: (url: string) => Promise<number>): Promise<string> {
    let last = '';
    for (let attempt = 0; attempt < 20; attempt++) {
      const live = this.urls.filter((u) => !this.down.has(u));
      const url = live[this.turn++ % live.length];
      try {
        const status = await request(url);
        if (status === 200) {
          this.taken.set(url, (this.taken.get(url) ?? 0) + 1);
          return url;
        }
        last = `${url} answered ${status}`;
      } catch (error) {
        this.down.add(url);
        last = `${url}: ${(error as Error).message}`;
      }
    }
    throw new Error(`${label} taken by no bridge (last: ${last})`);
  }

  total(): number {
    return [...this.taken.values()].reduce((s, n) => s + n, 0);
  }
}

/** The platform's event, built (and so known) by the sandbox, POSTed to the bridge the balancer picks. */
async function postEvent(sim: PlatformSim, url: string, input: { event: string; userId: string; message?: string; requestId?: string }): Promise<number> {
  const { body } = sim.buildEvent({ botId: bot, ...input });
  const res = await fetch(`${url}/sdk/bots/${encodeURIComponent(bot)}/${input.event}`, { method: 'POST', headers: sim.eventHeaders(bot), body: JSON.stringify(body) });
  await res.arrayBuffer();
  return res.status;
}

function platformSender(sim: PlatformSim, balancer: Balancer) {
  return async (userId: string, event: string, message?: string): Promise<void> => {
    // One requestId for every attempt: a retry after a cut request is the same event, as the platform's own retry would be.
    const requestId = sim.buildEvent({ botId: bot, event, userId, message }).requestId;
    await balancer.send(`${event} of ${userId}`, (url) => postEvent(sim, url, { event, userId, message, requestId }));
  };
}

/** Every relayed message of the run stored as delivered, both ways (the end of all work in flight). */
function everyMessageDelivered(db: Client): Promise<boolean> {
  return waitFor('every message delivered', async () => {
    const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM transcript_messages WHERE text LIKE 'from %' AND delivery_state <> 'delivered'`);
    return rows[0].n === 0;
  }, 60_000);
}

/**
 * The user messages of a conversation as the console page shows them: merged by cursor
 * (libs/console/page/state.js), in the order first seen. A repeat must be the same message: the same
 * cursor never carries another text, and no text comes under two cursors (that would be stored twice).
 */
function onPage(agent: ConsoleClient, conversationId: string | undefined): string[] {
  const byCursor = new Map<string, string>();
  for (const m of agent.events('message').filter((e) => e.conversationId === conversationId && e.kind === 'user')) {
    const text = m.text as string;
    const before = byCursor.get(m.cursor as string);
    if (before !== undefined && before !== text) throw new Error(`cursor ${String(m.cursor)} carried both "${before}" and "${text}"`);
    byCursor.set(m.cursor as string, text);
  }
  const shown = [...byCursor.values()];
  if (new Set(shown).size !== shown.length) throw new Error(`a message under two cursors: ${JSON.stringify(shown)}`);
  return shown;
}

const users = Array.from({ length: USERS }, (_, i) => `u-${i}`);
const texts = (prefix: string, user: string): string[] => Array.from({ length: MESSAGES }, (_, i) => `${prefix} ${user} #${i}`);

describe('two bridge processes and a worker process, one of the bridges killed (loopback desk)', () => {
  let env: TestEnvironment;
  let tier: Tier;
  let sim: PlatformSim;
  let db: Client;

  beforeAll(async () => {
    env = await createTestEnvironment('several_loopback');
    db = new Client({ connectionString: env.databaseUrl });
    await db.connect();
    tier = await Tier.start(env, { HANDOFF_PROVIDER: 'loopback', LOOPBACK_SECRET });
    sim = await startSim(tier.a.url, [simBot(bot, TEST_BOT)]);
  }, 120_000);

  afterAll(async () => {
    await sim?.stop();
    await tier?.stop();
    await db?.end();
    await env?.destroy();
  });

  it('delivers every message once and in order each way, across both bridges and after one of them is killed', async () => {
    const platform = new Balancer([tier.a.url, tier.b.url]);
    const desk = new Balancer([tier.a.url, tier.b.url]);
    const fromPlatform = platformSender(sim, platform);
    const deskOn = (url: string): LoopbackDesk => new LoopbackDesk(url);

    // Hand-offs and joins, spread as well.
    for (const user of users) await fromPlatform(user, 'on_agent_transfer');
    const refs = new Map<string, string>();
    for (const user of users) {
      const chat = await deskOn(tier.a.url).chatFor(user, 30_000);
      refs.set(user, chat.ref);
      await desk.send(`join of ${user}`, (url) => deskOn(url).join(chat.ref, 'agent-1', 'Alice', 30_000));
    }
    for (const user of users) await waitFor(`${user} told the agent joined`, () => sim.delivered(bot, user).some((m) => m.includes('Alice')), 30_000);

    let killedAt = -1;
    let killing: Promise<unknown> | undefined;
    const killB = (): void => {
      if (killing || platform.total() + desk.total() < KILL_AFTER) return;
      killedAt = platform.total() + desk.total();
      killing = tier.b.stop('SIGKILL');
    };
    // Both ways at once in every conversation; each way in order (the next message after the last one was taken).
    await Promise.all(
      users.flatMap((user) => [
        (async () => {
          for (const text of texts('from user', user)) {
            await fromPlatform(user, 'on_user_message', text);
            killB();
          }
        })(),
        (async () => {
          for (const [i, text] of texts('from agent', user).entries()) {
            await desk.send(`agent message ${i} of ${user}`, (url) => deskOn(url).say(refs.get(user)!, `${user}-${i}`, text));
            killB();
          }
        })(),
      ]),
    );
    expect(await killing).toBeNull(); // killed by the signal, not exited
    // The kill came in the middle: B had taken messages, and many were taken after it.
    expect(killedAt).toBeGreaterThanOrEqual(KILL_AFTER);
    expect(killedAt).toBeLessThan(USERS * MESSAGES * 2);
    expect((platform.taken.get(tier.b.url) ?? 0) + (desk.taken.get(tier.b.url) ?? 0)).toBeGreaterThan(0);

    const survivor = deskOn(tier.a.url);
    for (const user of users) {
      const expected = texts('from user', user);
      const onDesk = await waitFor(`${user}'s messages on the desk`, async () => {
        const got = (await survivor.messages(refs.get(user)!)).filter((t) => t.startsWith('from user'));
        return got.length >= expected.length ? got : null;
      }, 60_000);
      expect(onDesk).toEqual(expected);
      const replies = texts('from agent', user);
      const toUser = await waitFor(`${user}'s replies delivered`, () => {
        const got = sim.delivered(bot, user).filter((t) => t.startsWith('from agent'));
        return got.length >= replies.length ? got : null;
      }, 60_000);
      expect(toUser).toEqual(replies);
    }
    // Nothing doubled late: once the record has every message delivered both ways, the counts still hold.
    await everyMessageDelivered(db);
    for (const user of users) {
      expect((await survivor.messages(refs.get(user)!)).filter((t) => t.startsWith('from user'))).toHaveLength(MESSAGES);
      expect(sim.delivered(bot, user).filter((t) => t.startsWith('from agent'))).toHaveLength(MESSAGES);
    }
  }, 240_000);
});

describe('two bridge processes and a worker process: an agent on one, the user on the other (console desk)', () => {
  let env: TestEnvironment;
  let tier: Tier;
  let sim: PlatformSim;
  let db: Client;
  let agent: ConsoleClient;

  beforeAll(async () => {
    env = await createTestEnvironment('several_console');
    db = new Client({ connectionString: env.databaseUrl });
    await db.connect();
    await db.query(`INSERT INTO agents (email, name, role, password_hash, max_chats) VALUES ('ann@example.com', 'Ann', 'agent', $1, 10)`, [await hashPassword(PASSWORD)]);
    tier = await Tier.start(env, { HANDOFF_PROVIDER: 'console', CONSOLE_AUTO_ASSIGN: 'true' });
    sim = await startSim(tier.b.url, [simBot(bot, TEST_BOT)]);
  }, 120_000);

  afterAll(async () => {
    agent?.close();
    await sim?.stop();
    await tier?.stop();
    await db?.end();
    await env?.destroy();
  });

  it('relays between the agent\'s socket on A and the user\'s messages at B, once and in order, and goes on when B is killed', async () => {
    const { body } = await ConsoleClient.signIn(tier.a.url, 'ann@example.com', PASSWORD);
    agent = new ConsoleClient(tier.a.url, body.token);
    await agent.connected();
    await agent.waitForEvent('session');

    // The user's side reaches B only, until B dies; then the balancer sends it to A.
    const userSide = new Balancer([tier.b.url, tier.a.url]);
    const onlyB = new Balancer([tier.b.url]);
    let killed = false;
    const fromPlatform = async (userId: string, event: string, message?: string): Promise<void> => {
      const requestId = sim.buildEvent({ botId: bot, event, userId, message }).requestId;
      const send = (url: string): Promise<number> => postEvent(sim, url, { event, userId, message, requestId });
      await (killed ? userSide.send(`${event} of ${userId}`, send) : onlyB.send(`${event} of ${userId}`, send).catch(() => userSide.send(`${event} of ${userId}`, send)));
    };

    for (const user of users) await fromPlatform(user, 'on_agent_transfer');
    const conversations = new Map<string, string>();
    for (const user of users) {
      const view = await agent.waitForEvent('conversation', (c) => c.visitorKey === user && c.agentId !== null, 30_000);
      conversations.set(user, view.id);
      await waitFor(`${user} told Ann joined`, () => sim.delivered(bot, user).includes('Ann has joined the chat.'), 30_000);
    }

    let taken = 0;
    let killing: Promise<unknown> | undefined;
    const killB = (): void => {
      if (killing || ++taken < KILL_AFTER) return;
      killed = true;
      killing = tier.b.stop('SIGKILL');
    };
    await Promise.all(
      users.flatMap((user) => [
        (async () => {
          for (const text of texts('from user', user)) {
            await fromPlatform(user, 'on_user_message', text);
            killB();
          }
        })(),
        (async () => {
          for (const [i, text] of texts('from agent', user).entries()) {
            const sent = await agent.call('message:send', { conversationId: conversations.get(user), clientId: `${user}-${i}`, text });
            expect(sent).toMatchObject({ ok: true });
            killB();
          }
        })(),
      ]),
    );
    expect(await killing).toBeNull();
    expect(onlyB.taken.get(tier.b.url) ?? 0).toBeGreaterThan(0);
    expect(userSide.taken.get(tier.a.url) ?? 0).toBeGreaterThan(0);

    for (const user of users) {
      const id = conversations.get(user);
      const expected = texts('from user', user);
      // Each user message reaches the agent's page, in the order sent. A send cut by B's death is
      // made again (at least once): it comes with the same cursor, which the page merges on.
      const seen = await waitFor(`${user}'s messages on Ann's socket`, () => {
        const got = onPage(agent, id);
        return got.length >= expected.length ? got : null;
      }, 60_000);
      expect(seen).toEqual(expected);
      const replies = texts('from agent', user);
      const toUser = await waitFor(`${user}'s replies delivered`, () => {
        const got = sim.delivered(bot, user).filter((t) => t.startsWith('from agent'));
        return got.length >= replies.length ? got : null;
      }, 60_000);
      expect(toUser).toEqual(replies);
    }
    // The record agrees: every message stored once and delivered; nothing doubled late on either side.
    await everyMessageDelivered(db);
    const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM transcript_messages WHERE text LIKE 'from %'`);
    expect(rows[0].n).toBe(USERS * MESSAGES * 2);
    for (const user of users) {
      const id = conversations.get(user);
      expect(onPage(agent, id)).toHaveLength(MESSAGES);
      expect(sim.delivered(bot, user).filter((t) => t.startsWith('from agent'))).toHaveLength(MESSAGES);
    }
  }, 240_000);
});
