import { randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { ChangeNotifier } from '../common/change.notifier';
import { signedHeaders } from './webhook.signature';
import { type DeliveryRecord, NO_WEBHOOK_FAULTS, type RegisteredWebhook, type WebhookFaults } from './webhook.types';

export interface DeliverySettings {
  timeoutMs: number;
  retryDelaysMs: number[];
  logLimit: number;
}

interface Pending {
  record: DeliveryRecord;
  secret: string | null;
  text: string;
}

/**
 * Sends each webhook's deliveries one after another, so a receiver sees them in event order unless
 * the hold fault reorders them on purpose. Chatwoot sends account webhooks once (no retry) with a 5 s
 * timeout; `retryDelaysMs` adds retries for tests that want them.
 */
export class WebhookDeliveryService {
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  private readonly httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 64 });
  private records: DeliveryRecord[] = [];
  private faults: WebhookFaults = { ...NO_WEBHOOK_FAULTS };
  private readonly chains = new Map<number, Promise<void>>();
  private readonly held = new Map<number, { pending: Pending[]; timer: NodeJS.Timeout; event: string | null }>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private counter = 0;
  private stopped = false;

  constructor(
    private readonly settings: DeliverySettings,
    private readonly notifier: ChangeNotifier,
    private readonly log: (line: string) => void,
  ) {}

  setFaults(faults: Partial<WebhookFaults>): void {
    this.faults = { ...this.faults, ...faults };
  }

  currentFaults(): WebhookFaults {
    return { ...this.faults };
  }

  resetFaults(): void {
    this.faults = { ...NO_WEBHOOK_FAULTS };
    for (const webhookId of [...this.held.keys()]) this.releaseHeld(webhookId);
  }

  deliveries(): DeliveryRecord[] {
    return this.records.map((r) => ({ ...r, attempts: [...r.attempts] }));
  }

  find(predicate: (record: DeliveryRecord) => boolean): DeliveryRecord[] {
    return this.records.filter(predicate).map((r) => ({ ...r, attempts: [...r.attempts] }));
  }

  enqueue(webhook: RegisteredWebhook, event: string, body: Record<string, unknown>): void {
    if (this.stopped) return;
    const pending = this.track(webhook, event, body, randomUUID(), false);
    const targeted = this.faults.event === null || this.faults.event === event;
    if (targeted && this.take('drop')) {
      pending.record.state = 'dropped';
      this.log(`webhook ${pending.record.id} ${event} dropped (fault)`);
      this.notifier.changed();
      return;
    }
    const duplicate = targeted && this.take('duplicate');
    const earlier = this.held.get(webhook.id);
    if (!earlier && targeted && this.take('hold')) {
      pending.record.held = true;
      const timer = setTimeout(() => this.releaseHeld(webhook.id), this.faults.holdMaxMs);
      const copies = duplicate ? [pending, this.track(webhook, event, body, pending.record.deliveryId, true)] : [pending];
      this.held.set(webhook.id, { pending: copies, timer, event: this.faults.event });
      return;
    }
    this.chain(webhook.id, pending);
    // A duplicate is a second attempt of the same delivery, as a redelivered job would be.
    if (duplicate) this.chain(webhook.id, this.track(webhook, event, body, pending.record.deliveryId, true));
    if (earlier && (earlier.event === null || earlier.event === event)) this.releaseHeld(webhook.id);
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    for (const { timer } of this.held.values()) clearTimeout(timer);
    this.held.clear();
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  private take(kind: 'drop' | 'duplicate' | 'hold'): boolean {
    if (this.faults[kind] <= 0) return false;
    this.faults = { ...this.faults, [kind]: this.faults[kind] - 1 };
    return true;
  }

  private releaseHeld(webhookId: number): void {
    const held = this.held.get(webhookId);
    if (!held) return;
    clearTimeout(held.timer);
    this.held.delete(webhookId);
    for (const pending of held.pending) this.chain(webhookId, pending);
  }

  private track(webhook: RegisteredWebhook, event: string, body: Record<string, unknown>, deliveryId: string, duplicate: boolean): Pending {
    const record: DeliveryRecord = {
      id: `dlv_${++this.counter}`,
      webhookId: webhook.id,
      url: webhook.url,
      event,
      deliveryId,
      body,
      duplicate,
      held: false,
      state: 'pending',
      attempts: [],
    };
    this.records.push(record);
    if (this.records.length > this.settings.logLimit * 1.25) this.records.splice(0, this.records.length - this.settings.logLimit);
    return { record, secret: webhook.secret, text: JSON.stringify(body) };
  }

  private chain(webhookId: number, pending: Pending): void {
    const previous = this.chains.get(webhookId) ?? Promise.resolve();
    const next = previous.then(() => this.attempt(pending, 1));
    this.chains.set(webhookId, next);
  }

  private async attempt(pending: Pending, n: number): Promise<void> {
    if (this.stopped) return;
    if (this.faults.delayMs > 0) await new Promise((resolve) => this.schedule(() => resolve(undefined), this.faults.delayMs));
    const startedAt = Date.now();
    const outcome = await this.send(pending);
    const record = pending.record;
    record.attempts.push({ at: new Date(startedAt).toISOString(), durationMs: Date.now() - startedAt, ...outcome });
    if (outcome.status !== undefined && outcome.status >= 200 && outcome.status < 300) record.state = 'delivered';
    else {
      const delay = this.settings.retryDelaysMs[n - 1];
      if (delay !== undefined && !this.stopped) this.schedule(() => void this.attempt(pending, n + 1), delay);
      else {
        record.state = 'failed';
        this.log(`webhook ${record.id} ${record.event} failed after ${n} attempt(s)`);
      }
    }
    this.notifier.changed();
  }

  private send(pending: Pending): Promise<{ status?: number; error?: string }> {
    const url = new URL(pending.record.url);
    const secure = url.protocol === 'https:';
    // Signed per attempt: the timestamp is fresh, the delivery id is kept.
    const headers = {
      'content-type': 'application/json',
      accept: 'application/json',
      'content-length': String(Buffer.byteLength(pending.text)),
      'user-agent': 'chatwoot-sim',
      ...signedHeaders(pending.secret, pending.record.deliveryId, pending.text),
    };
    return new Promise((resolve) => {
      let done = false;
      const finish = (outcome: { status?: number; error?: string }): void => {
        if (done) return;
        done = true;
        clearTimeout(deadline);
        resolve(outcome);
      };
      const request = (secure ? https : http).request(url, { method: 'POST', headers, agent: secure ? this.httpsAgent : this.httpAgent }, (res) => {
        res.resume();
        res.on('end', () => finish({ status: res.statusCode }));
        res.on('error', (error) => finish({ error: error.message }));
      });
      const deadline = setTimeout(() => {
        finish({ error: 'timeout' });
        request.destroy();
      }, this.settings.timeoutMs);
      request.on('error', (error) => finish({ error: error.message }));
      request.end(pending.text);
    });
  }

  private schedule(run: () => void, delayMs: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, delayMs);
    this.timers.add(timer);
  }
}
