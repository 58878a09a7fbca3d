import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '@agent-bridge/testing';
import { signatureOf } from '../apps/chatwoot-sim/src';
import { request, type SpecResponse } from '../apps/chatwoot-sim/src/testing/spec-http.client';
import { WebhookReceiver } from '../apps/chatwoot-sim/src/testing/webhook.receiver';

const MAIN = join(__dirname, '..', 'dist', 'apps', 'chatwoot-sim', 'src', 'main.js');
const TOKEN = 'e2e-chatwoot-token';
const SECRET = 'e2e-chatwoot-webhook-secret';
const ACCOUNT = 7;
const INBOX = 3;

/** `npm run chatwoot-sandbox` as a real process, configured by the bridge's variable names, over real HTTP. */
describe('Chatwoot sandbox process', () => {
  let child: ChildProcess;
  let output = '';
  let base: string;
  let receiver: WebhookReceiver;

  const api = (method: string, path: string, body?: unknown, token: string | null = TOKEN): Promise<SpecResponse> =>
    request(`${base}/api/v1/accounts/${ACCOUNT}${path}`, { method, body, headers: token === null ? {} : { api_access_token: token } });
  const control = (path: string, body?: unknown): Promise<SpecResponse> => request(`${base}/sim/${path}`, { body });

  beforeAll(async () => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run "npm run build" first (npm test does)`);
    receiver = new WebhookReceiver();
    const webhookUrl = await receiver.start();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, [MAIN], {
      env: {
        ...process.env,
        CHATWOOT_SIM_PORT: String(port),
        CHATWOOT_ACCOUNT_ID: String(ACCOUNT),
        CHATWOOT_INBOX_ID: String(INBOX),
        CHATWOOT_API_TOKEN: TOKEN,
        CHATWOOT_WEBHOOK_SIGNING_SECRET: SECRET,
        CHATWOOT_SIM_WEBHOOK_URL: webhookUrl,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`sandbox did not start:\n${output}`)), 10_000);
      child.stdout!.on('data', () => {
        if (output.includes('CHATWOOT_API_TOKEN=')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => reject(new Error(`sandbox exited with ${code}:\n${output}`)));
    });
  });

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await receiver?.stop();
  });

  it('prints the bridge settings it was started with', () => {
    expect(output).toContain(`CHATWOOT_URL=${base}`);
    expect(output).toContain(`CHATWOOT_ACCOUNT_ID=${ACCOUNT}`);
    expect(output).toContain(`CHATWOOT_INBOX_ID=${INBOX}`);
    expect(output).toContain(`CHATWOOT_API_TOKEN=${TOKEN}`);
    expect(output).not.toContain(SECRET);
  });

  it('is strict: 401 without or with a wrong token, 404 for unknown ids, 422 for invalid bodies', async () => {
    expect((await api('GET', '/agents', undefined, null)).status).toBe(401);
    expect((await api('GET', '/agents', undefined, 'wrong')).json).toEqual({ error: 'Invalid Access Token' });
    expect((await request(`${base}/api/v1/accounts/1/agents`, { headers: { api_access_token: TOKEN } })).status).toBe(404);
    expect((await api('GET', '/conversations/999')).json).toEqual({ error: 'Resource could not be found' });
    expect((await api('POST', '/contacts', { inbox_id: 1 })).status).toBe(404);
    expect((await api('POST', '/contacts', { email: 'nope' })).status).toBe(422);
    expect((await api('POST', '/webhooks', { url: 'x', subscriptions: ['message_created'] })).status).toBe(422);
  });

  it('runs a hand-off: contact, conversation, the user\'s message, an agent\'s reply, all signed to the webhook it registered', async () => {
    const contact = await api('POST', '/contacts', { inbox_id: INBOX, name: 'E2E User', identifier: 'kore-e2e-1' });
    const sourceId = contact.json.payload.contact_inbox.source_id;
    const conversation = await api('POST', '/conversations', { source_id: sourceId, inbox_id: INBOX, contact_id: contact.json.payload.contact.id });
    const id = conversation.json.id as number;
    await api('POST', `/conversations/${id}/messages`, { content: 'hello agent', message_type: 'incoming' });
    const reply = await control(`conversations/${id}/reply`, { content: 'hello user', agentId: 2 });
    expect(reply.status).toBe(200);
    const hooks = await receiver.waitFor(2, (r) => r.body.event === 'message_created' && r.body.conversation.id === id);
    expect(hooks.map((h) => [h.body.message_type, h.body.content, h.body.sender.type])).toEqual([
      ['incoming', 'hello agent', 'contact'],
      ['outgoing', 'hello user', 'user'],
    ]);
    for (const hook of hooks) {
      expect(hook.headers['x-chatwoot-signature']).toBe(signatureOf(SECRET, Number(hook.headers['x-chatwoot-timestamp']), hook.raw));
    }
    expect(hooks[0]!.body.account.id).toBe(ACCOUNT);
  });

  it('injects 429 with Retry-After and 5xx for the next calls, then answers again', async () => {
    await control('faults/rate-limit', { times: 1, retryAfterSeconds: 2 });
    await control('faults/error', { times: 2, status: 503 });
    const limited = await api('GET', '/agents');
    expect([limited.status, limited.headers['retry-after']]).toEqual([429, '2']);
    expect((await api('GET', '/agents')).status).toBe(503);
    expect((await api('GET', '/agents')).status).toBe(503);
    expect((await api('GET', '/agents')).status).toBe(200);
  });

  it('drops and reorders webhooks on request; the dropped message is still in the conversation', async () => {
    const contact = await api('POST', '/contacts', { inbox_id: INBOX, identifier: 'kore-e2e-2' });
    const conversation = await api('POST', '/conversations', { source_id: contact.json.payload.contact_inbox.source_id });
    const id = conversation.json.id as number;
    // Only message deliveries: the same request also sends conversation and contact updates.
    await control('faults/webhooks', { drop: 1, event: 'message_created' });
    const lost = await api('POST', `/conversations/${id}/messages`, { content: 'dropped', message_type: 'incoming' });
    await control('faults/webhooks', { hold: 1, event: 'message_created' });
    await api('POST', `/conversations/${id}/messages`, { content: 'held', message_type: 'incoming' });
    await api('POST', `/conversations/${id}/messages`, { content: 'overtakes', message_type: 'incoming' });
    await receiver.waitFor(1, (r) => r.body.content === 'held');
    const seen = receiver.ofEvent('message_created').filter((r) => r.body.conversation.id === id).map((r) => r.body.content);
    expect(seen).toEqual(['overtakes', 'held']);
    const deliveries = await control('deliveries?event=message_created&limit=10');
    expect(deliveries.json.find((d: { body: { content: string } }) => d.body.content === 'dropped').state).toBe('dropped');
    const caughtUp = await api('GET', `/conversations/${id}/messages?after=${lost.json.id - 1}`);
    expect(caughtUp.json.payload.map((m: { content: string }) => m.content)).toEqual(['dropped', 'held', 'overtakes']);
  });

  it('stops on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
