import { LOOPBACK_SECRET } from '@agent-bridge/testing';
import type { LoopbackChat, LoopbackEntry, LoopbackFaults } from '@agent-bridge/providers';
import { waitFor } from '@agent-bridge/testing';

/** Acts as the agent on the bridge's loopback desk, over HTTP, as a desk's webhooks would. */
export class LoopbackDesk {
  constructor(private readonly bridgeUrl: string) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const res = await fetch(`${this.bridgeUrl}/providers/loopback${path}`, {
      method,
      headers: { 'x-loopback-secret': LOOPBACK_SECRET, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  async chats(): Promise<LoopbackChat[]> {
    return (await this.call<LoopbackChat[]>('GET', '/chats')).body;
  }

  async chatFor(visitorKey: string, timeoutMs = 15_000): Promise<LoopbackChat> {
    return waitFor(`a loopback chat for ${visitorKey}`, async () => (await this.chats()).filter((c) => c.visitorKey === visitorKey).pop(), timeoutMs);
  }

  async entries(ref: string): Promise<Array<LoopbackEntry & { kind: string }>> {
    return (await this.call<{ entries: LoopbackEntry[] }>('GET', `/chats/${ref}`)).body.entries;
  }

  async messages(ref: string): Promise<string[]> {
    return (await this.entries(ref)).flatMap((e) => (e.kind === 'message' ? [e.text] : []));
  }

  async waitForMessages(ref: string, count: number, timeoutMs = 15_000): Promise<string[]> {
    return waitFor(`${count} user message(s) on the desk`, async () => {
      const messages = await this.messages(ref);
      return messages.length >= count ? messages : null;
    }, timeoutMs);
  }

  /**
   * The desk lists a chat as soon as the bridge opens it, a moment before the bridge has stored the
   * chat's id with its session; a join in that moment answers `ok: false`. An agent would try again:
   * so does this, until the join is taken (or the wait runs out, and the last answer is returned).
   */
  async join(ref: string, agentId = 'agent-1', agentName = 'Alice', timeoutMs = 15_000): Promise<number> {
    let last = { status: 0, body: { ok: false } };
    await waitFor(`the join of ${ref} taken`, async () => {
      last = await this.call<{ ok: boolean }>('POST', `/chats/${ref}/join`, { agentId, agentName });
      return last.status !== 200 || last.body.ok;
    }, timeoutMs, 50).catch(() => undefined);
    return last.status;
  }

  async say(ref: string, id: string, text: string): Promise<number> {
    return (await this.call('POST', `/chats/${ref}/messages`, { id, text })).status;
  }

  async close(ref: string): Promise<number> {
    return (await this.call('POST', `/chats/${ref}/close`, { by: 'agent-1' })).status;
  }

  async chat(ref: string): Promise<LoopbackChat & { entries: LoopbackEntry[] }> {
    return (await this.call<LoopbackChat & { entries: LoopbackEntry[] }>('GET', `/chats/${ref}`)).body;
  }

  async setFaults(faults: LoopbackFaults): Promise<void> {
    await this.call('PUT', '/faults', faults);
  }

  async raw(method: string, path: string, secret?: string): Promise<number> {
    const res = await fetch(`${this.bridgeUrl}/providers/loopback${path}`, { method, headers: secret === undefined ? {} : { 'x-loopback-secret': secret } });
    return res.status;
  }
}
