import http from 'node:http';
import https from 'node:https';
import type { ChangeNotifier } from '../common/change.notifier';
import type { WebhookDeliverySettings } from '../sim.options';
import type { DeliveryAttempt, DeliveryRecord, RegisteredWebhook, WebhookEnvelope, WebhookFaults } from './webhook.types';
import { NO_WEBHOOK_FAULTS } from './webhook.types';

/** Request options derived once per webhook, so each delivery skips URL parsing. */
interface Target {
  secure: boolean;
  hostname: string;
  port: number;
  path: string;
}

interface Pending {
  record: DeliveryRecord;
  target: Target;
  text: string;
  failFirst: number;
  delayMs: number;
  afterFirstAttempt: Array<() => void>;
}

interface Outcome {
  status?: number;
  error?: string;
}

/**
 * At least once, as LiveChat delivers. Faults are applied here so every delivery path meets them.
 * `http.request` on keep-alive agents, not fetch: the benchmark drives this hard (bench/README.md).
 */
export class WebhookDeliveryService {
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: 256, scheduling: 'lifo' });
  private readonly httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 256, scheduling: 'lifo' });
  private records: DeliveryRecord[] = [];
  private faults: WebhookFaults = { ...NO_WEBHOOK_FAULTS };
  private held: Pending | undefined;
  private heldTimer: NodeJS.Timeout | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly targets = new WeakMap<RegisteredWebhook, Target>();
  private counter = 0;
  private stopped = false;

  constructor(
    private readonly settings: WebhookDeliverySettings,
    private readonly notifier: ChangeNotifier,
    private readonly log: (line: string) => void,
  ) {}

  setFaults(faults: Partial<WebhookFaults>): void {
    this.faults = { ...this.faults, ...faults };
    if (!this.faults.reorder) this.releaseHeld();
  }

  currentFaults(): WebhookFaults {
    return { ...this.faults };
  }

  /** Copies, so callers can't disturb the log; `body` objects are shared and must be treated as read-only. */
  deliveries(): DeliveryRecord[] {
    return this.records.map((r) => ({ ...r, attempts: [...r.attempts] }));
  }

  /** Copies of the records that satisfy `predicate` (checked against the live records). */
  find(predicate: (record: DeliveryRecord) => boolean): DeliveryRecord[] {
    return this.records.filter(predicate).map((r) => ({ ...r, attempts: [...r.attempts] }));
  }

  enqueue(webhook: RegisteredWebhook, envelope: WebhookEnvelope): void {
    if (this.stopped) return;
    const body = this.faults.wrongSecret ? { ...envelope, secret_key: `${envelope.secret_key}-wrong` } : envelope;
    const text = JSON.stringify(body);
    const pending = this.track(webhook, body, text, false);
    if (this.shouldDuplicate()) {
      // The copy follows the original's first attempt, as a retry after a lost acknowledgement would.
      pending.afterFirstAttempt.push(() => this.start(this.track(webhook, body, text, true)));
    }
    if (this.held) {
      const held = this.held;
      this.held = undefined;
      if (this.heldTimer) clearTimeout(this.heldTimer);
      pending.afterFirstAttempt.push(() => this.start(held));
    } else if (this.faults.reorder) {
      this.held = pending;
      pending.record.reordered = true;
      this.heldTimer = setTimeout(() => this.releaseHeld(), this.faults.reorderMaxHoldMs);
      return;
    }
    this.start(pending);
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    if (this.heldTimer) clearTimeout(this.heldTimer);
    this.held = undefined;
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  clearLog(): void {
    this.records = [];
  }

  private track(webhook: RegisteredWebhook, body: WebhookEnvelope, text: string, duplicate: boolean): Pending {
    const record: DeliveryRecord = {
      id: `dlv_${++this.counter}`,
      webhookId: webhook.id,
      action: body.action,
      url: webhook.url,
      body,
      duplicate,
      reordered: false,
      state: 'pending',
      attempts: [],
    };
    this.records.push(record);
    // Trim in batches so the log stays bounded without an O(n) shift per delivery.
    if (this.records.length > this.settings.logLimit * 1.25) this.records.splice(0, this.records.length - this.settings.logLimit);
    let target = this.targets.get(webhook);
    if (!target) {
      const url = new URL(webhook.url);
      const secure = url.protocol === 'https:';
      target = { secure, hostname: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port) || (secure ? 443 : 80), path: `${url.pathname}${url.search}` };
      this.targets.set(webhook, target);
    }
    return {
      record,
      target,
      text,
      failFirst: this.faults.failFirstAttempts,
      delayMs: this.faults.delayMs,
      afterFirstAttempt: [],
    };
  }

  private shouldDuplicate(): boolean {
    const duplicate = this.faults.duplicate;
    if (duplicate === true) return true;
    if (typeof duplicate === 'number' && duplicate > 0) return Math.random() < duplicate;
    return false;
  }

  private releaseHeld(): void {
    if (this.heldTimer) clearTimeout(this.heldTimer);
    const held = this.held;
    this.held = undefined;
    if (held) this.start(held);
  }

  private start(pending: Pending): void {
    if (pending.delayMs > 0) this.schedule(() => this.attempt(pending, 1), pending.delayMs);
    else this.attempt(pending, 1);
  }

  private attempt(pending: Pending, n: number): void {
    if (this.stopped) return;
    const startedAt = Date.now();
    this.send(pending.target, pending.text, (outcome) => {
      const injected = n <= pending.failFirst;
      const attempt: DeliveryAttempt = { at: new Date(startedAt).toISOString(), durationMs: Date.now() - startedAt, ...outcome };
      if (injected) attempt.injectedFailure = true;
      const record = pending.record;
      record.attempts.push(attempt);
      const ok = !injected && outcome.status !== undefined && outcome.status >= 200 && outcome.status < 300;
      const retryDelay = this.settings.retryDelaysMs[n - 1];
      if (ok) record.state = 'delivered';
      else if (retryDelay !== undefined && !this.stopped) this.schedule(() => this.attempt(pending, n + 1), retryDelay);
      else {
        record.state = 'failed';
        this.log(`webhook ${record.id} ${record.action} gave up after ${n} attempts`);
      }
      if (n === 1) for (const next of pending.afterFirstAttempt) next();
      this.notifier.changed();
    });
  }

  private send(target: Target, text: string, done: (outcome: Outcome) => void): void {
    const secure = target.secure;
    let finished = false;
    const finish = (outcome: Outcome): void => {
      if (finished) return;
      finished = true;
      clearTimeout(deadline);
      done(outcome);
    };
    const request = (secure ? https : http).request(
      {
        hostname: target.hostname,
        port: target.port,
        path: target.path,
        method: 'POST',
        agent: secure ? this.httpsAgent : this.httpAgent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'user-agent': 'livechat-sim-webhooks' },
      },
      (res) => {
        res.resume();
        res.on('end', () => finish({ status: res.statusCode }));
        res.on('error', (error) => finish({ error: error.message }));
      },
    );
    // A hard deadline: LiveChat gives up on a receiver that doesn't answer within ~10 s.
    const deadline = setTimeout(() => {
      finish({ error: 'timeout' });
      request.destroy();
    }, this.settings.timeoutMs);
    request.on('error', (error) => finish({ error: error.message }));
    request.end(text);
  }

  private schedule(run: () => void, delayMs: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, delayMs);
    this.timers.add(timer);
  }
}
