import type { DataSource } from 'typeorm';
import type { BotkitPayload } from '@agent-bridge/botkit';
import { MessageIntakeRepository, TranscriptRepository, type UserMessageTake } from '@agent-bridge/handoff';
import { createDataSource } from '@agent-bridge/persistence';
import { createTestEnvironment, type TestEnvironment } from '@agent-bridge/testing';

/**
 * The hot-path intake on the real Postgres. User messages taken in one turn of the event loop
 * share one statement, and each gets the answer it would get alone (rows written by one statement
 * share a transaction id, xmin, which is what shows the batching). Desk messages are stored in the
 * state their immediate send will leave them in.
 */
describe('MessageIntakeRepository (the hot-path statements)', () => {
  const BOT = 'st-intake';
  let env: TestEnvironment;
  let db: DataSource;
  let intake: MessageIntakeRepository;
  let requests = 0;

  beforeAll(async () => {
    env = await createTestEnvironment('intake_batch');
    db = await createDataSource({ url: env.databaseUrl, poolSize: 4 }).initialize();
    intake = new MessageIntakeRepository(db);
  });
  afterAll(async () => {
    await db?.destroy();
    await env?.destroy();
  });

  /** An open session for the visitor: on the desk (`providerRef`) or still queued (null). */
  async function session(visitor: string, options: { providerRef?: string | null; agentModeSeen?: boolean } = {}): Promise<string> {
    const rows: Array<{ id: string }> = await db.query(
      `INSERT INTO conversations (bot_id, visitor_key, state, trigger, provider, provider_ref, latest_request_id, latest_payload, agent_mode_seen)
       VALUES ($1, $2, 'assigned', 'agent_transfer', 'livechat', $3, 'transfer', '{}', $4) RETURNING id`,
      [BOT, visitor, options.providerRef === undefined ? `chat-${visitor}` : options.providerRef, options.agentModeSeen ?? false],
    );
    return rows[0]!.id;
  }

  function take(visitor: string, text: string | null, options: { transfer?: boolean; payloadJson?: string; requestId?: string } = {}): Promise<UserMessageTake | null> {
    const requestId = options.requestId ?? `req-${++requests}`;
    const payload = { requestId, message: text, agent_transfer: options.transfer ?? true, channel: { from: visitor } } as unknown as BotkitPayload;
    return intake.takeUserMessage(BOT, visitor, payload, text === null ? null : { externalId: requestId, text }, options.transfer === false, options.payloadJson);
  }

  async function transcript(conversationId: string): Promise<Array<{ id: string; text: string; delivery_state: string; attempts: number; xmin: string }>> {
    return db.query(`SELECT id, text, delivery_state, attempts, xmin::text FROM transcript_messages WHERE conversation_id = $1 ORDER BY id`, [conversationId]);
  }

  it('stores the messages of one turn in one transaction, each answered with its own session', async () => {
    const visitors = Array.from({ length: 8 }, (_, i) => `batch-${i}`);
    const ids = await Promise.all(visitors.map((visitor) => session(visitor)));

    const takes = await Promise.all(visitors.map((visitor, i) => take(visitor, `hello ${i}`)));

    const xmins = new Set<string>();
    for (let i = 0; i < visitors.length; i++) {
      const result = takes[i]!;
      expect(result).toMatchObject({ kind: 'stored', sendNow: true, conversation: { id: ids[i], visitorKey: visitors[i] } });
      const rows = await transcript(ids[i]!);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ text: `hello ${i}`, delivery_state: 'delivered' });
      if (result?.kind === 'stored') expect(result.message).toMatchObject({ id: rows[0]!.id, text: `hello ${i}` });
      xmins.add(rows[0]!.xmin);
    }
    expect(xmins.size).toBe(1);
    // Each session now holds its own message's request context.
    const contexts: Array<{ id: string; latest_request_id: string; latest_payload: { message: string } }> = await db.query(
      `SELECT id, latest_request_id, latest_payload FROM conversations WHERE id = ANY($1)`,
      [ids],
    );
    for (const row of contexts) {
      const i = ids.indexOf(row.id);
      expect(row.latest_payload.message).toBe(`hello ${i}`);
      expect(row.latest_request_id).toBe(takes[i]?.kind === 'stored' ? takes[i].message.externalId : 'not stored');
    }
  });

  it('answers every kind of outcome in one batch as the single statement does', async () => {
    const repeated = await session('mix-repeat');
    await take('mix-repeat', 'first', { requestId: 'mix-repeat-1' });
    const queued = await session('mix-queued', { providerRef: null });
    const reset = await session('mix-reset', { agentModeSeen: true });
    const ending = await session('mix-ending');
    const fresh = await session('mix-fresh');

    const [none, again, pending, wasReset, context, stored] = await Promise.all([
      take('mix-nobody', 'to the bot'),
      take('mix-repeat', 'first', { requestId: 'mix-repeat-1' }),
      take('mix-queued', 'waiting'),
      take('mix-reset', 'after the reset', { transfer: false }),
      take('mix-ending', null),
      take('mix-fresh', 'plain'),
    ]);

    expect(none).toBeNull();
    expect(again).toMatchObject({ kind: 'repeat', conversation: { id: repeated } });
    expect(pending).toMatchObject({ kind: 'stored', sendNow: false, conversation: { id: queued } });
    expect(wasReset).toEqual({ kind: 'reset', conversationId: reset });
    expect(context).toMatchObject({ kind: 'context', conversation: { id: ending } });
    expect(stored).toMatchObject({ kind: 'stored', sendNow: true, conversation: { id: fresh } });
    expect((await transcript(repeated)).map((row) => row.text)).toEqual(['first']);
    expect((await transcript(queued)).map((row) => row.delivery_state)).toEqual(['pending']);
    expect(await transcript(reset)).toEqual([]);
    expect(await transcript(ending)).toEqual([]);
    const [mixXmin] = (await transcript(fresh)).map((row) => row.xmin);
    expect((await transcript(queued))[0]!.xmin).toBe(mixXmin);
  });

  it('takes two messages of one visitor in one turn one after the other, in order', async () => {
    const id = await session('twice');

    const [first, second] = await Promise.all([take('twice', 'one'), take('twice', 'two')]);

    const rows = await transcript(id);
    expect(rows.map((row) => row.text)).toEqual(['one', 'two']);
    expect(rows[0]!.xmin).not.toBe(rows[1]!.xmin);
    expect(first).toMatchObject({ kind: 'stored', sendNow: true });
    expect(second).toMatchObject({ kind: 'stored', sendNow: true });
  });

  it('fails only the message that breaks the batch; the others are stored', async () => {
    const good = await Promise.all(['ok-1', 'ok-2', 'ok-3'].map((visitor) => session(visitor)));
    const bad = await session('broken');

    const results = await Promise.allSettled([
      take('ok-1', 'fine'),
      take('broken', 'with a context that is not JSON', { payloadJson: '{"requestId": ' }),
      take('ok-2', 'fine'),
      take('ok-3', 'fine'),
    ]);

    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/json/i);
    for (const id of good) expect((await transcript(id)).map((row) => row.text)).toEqual(['fine']);
    expect(await transcript(bad)).toEqual([]);
  });

  describe('desk messages for the user', () => {
    const OWN = { stateKey: 'customerId', authorId: 'our-customer' };
    const desk = (chat: string, id: string, text = `agent says ${id}`, own = OWN) =>
      intake.takeDeskMessage('livechat', chat, { externalId: `livechat:${id}`, text, authorName: 'Ann', sentAt: null }, own);

    it('stores a message that goes now already delivered, and one behind a pending message as pending', async () => {
      const id = await session('desk-1', { providerRef: 'chat-desk-1' });

      const first = await desk('chat-desk-1', 'e1');
      // Attempts 0: stored delivered before its send, which is not confirmed yet (a re-run may still send it).
      expect(first).toMatchObject({ own: false, olderPending: 0, message: { deliveryState: 'delivered', attempts: 0, text: 'agent says e1', authorName: 'Ann' } });
      expect(first?.conversation.id).toBe(id);

      // The send failed: pending again (TranscriptRepository.undeliver); the next message queues behind it.
      await new TranscriptRepository(db).undeliver(first!.message!.id, 'platform down');
      const second = await desk('chat-desk-1', 'e2');
      expect(second).toMatchObject({ olderPending: 1, message: { deliveryState: 'pending', attempts: 0 } });
      const rows = await transcript(id);
      expect(rows.map((row) => [row.text, row.delivery_state])).toEqual([['agent says e1', 'pending'], ['agent says e2', 'pending']]);
    });

    it('confirms a send (attempts 1) only while the message is still delivered; lists what is stored', async () => {
      const id = await session('desk-5', { providerRef: 'chat-desk-5' });
      const sent = await desk('chat-desk-5', 'e1');
      const failed = await desk('chat-desk-5', 'e2');
      await new TranscriptRepository(db).undeliver(failed!.message!.id, 'platform down');

      await new TranscriptRepository(db).confirmSent(sent!.message!.id);
      await new TranscriptRepository(db).confirmSent(failed!.message!.id);

      const rows = await transcript(id);
      expect(rows.map((row) => [row.text, row.delivery_state, row.attempts])).toEqual([['agent says e1', 'delivered', 1], ['agent says e2', 'pending', 0]]);
      expect(await new TranscriptRepository(db).storedExternalIds(id, 'to_user', ['livechat:e1', 'livechat:e3'])).toEqual(new Set(['livechat:e1']));
      expect(await new TranscriptRepository(db).storedExternalIds(id, 'to_agent', ['livechat:e1'])).toEqual(new Set());
    });

    it('stores nothing new for a re-run of the same desk message', async () => {
      const id = await session('desk-2', { providerRef: 'chat-desk-2' });
      await desk('chat-desk-2', 'e1');

      const again = await desk('chat-desk-2', 'e1');

      expect(again).toMatchObject({ own: false, message: null, olderPending: 0 });
      expect(await transcript(id)).toHaveLength(1);
    });

    it('stores nothing for our own echo or for a closed session', async () => {
      const echoed = await session('desk-3', { providerRef: 'chat-desk-3' });
      await db.query(`INSERT INTO provider_chat_state (conversation_id, provider, state) VALUES ($1, 'livechat', '{"customerId": "our-customer"}')`, [echoed]);
      const closed = await session('desk-4', { providerRef: 'chat-desk-4' });
      await db.query(`UPDATE conversations SET state = 'closed', closed_at = now(), close_reason = 'agent_closed' WHERE id = $1`, [closed]);

      expect(await desk('chat-desk-3', 'e1')).toMatchObject({ own: true, message: null });
      expect(await desk('chat-desk-4', 'e1')).toMatchObject({ own: false, message: null, conversation: { state: 'closed' } });
      expect(await desk('chat-nobody', 'e1')).toBeNull();
      expect(await transcript(echoed)).toEqual([]);
      expect(await transcript(closed)).toEqual([]);
    });
  });
});
