import { randomUUID } from 'node:crypto';
import type { Tone } from '../sim.types';

/** Where an on_webhook stands: sent and unanswered, acknowledged with 202, or finished. */
export type HookState = 'in-flight' | 'async' | 'done';

export interface IssuedRequest {
  requestId: string;
  botId: string;
  userId: string;
  event: string;
  expiresAt: number;
  /** The user's text that started the turn, for the scripted bot. */
  userText?: string;
  tone?: Tone;
  hook?: HookState;
  componentName?: string;
  /** Set when the scripted bot's flow, not a test, sent the event: its outcome moves the conversation on. */
  fromFlow?: boolean;
}

const SWEEP_EVERY_MS = 30_000;
const HARD_CAP = 500_000;

/**
 * A callback is honoured only for an id issued for that bot and still inside its window;
 * `extendcallid` pushes the window out again (BotKit's extendRequestId).
 */
export class RequestRegistry {
  private readonly requests = new Map<string, IssuedRequest>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private ttlMs: number) {
    this.sweeper = setInterval(() => this.sweep(), SWEEP_EVERY_MS);
    this.sweeper.unref();
  }

  static newId(): string {
    return `ms-${randomUUID()}`;
  }

  issue(request: Omit<IssuedRequest, 'expiresAt'>): IssuedRequest {
    if (this.requests.size >= HARD_CAP) this.dropOldest();
    const issued: IssuedRequest = { ...request, expiresAt: Date.now() + this.ttlMs };
    this.requests.delete(issued.requestId);
    this.requests.set(issued.requestId, issued);
    return issued;
  }

  /** The request if it belongs to the bot and its window is open. */
  find(botId: string, requestId: string): IssuedRequest | undefined {
    const request = this.requests.get(requestId);
    if (!request || request.botId !== botId) return undefined;
    if (request.expiresAt <= Date.now()) {
      this.requests.delete(requestId);
      return undefined;
    }
    return request;
  }

  /** Any issued request, open or not: the flow needs it to finish a webhook it started. */
  peek(requestId: string): IssuedRequest | undefined {
    return this.requests.get(requestId);
  }

  extend(request: IssuedRequest): void {
    request.expiresAt = Date.now() + this.ttlMs;
  }

  /** For tests that need a window to lapse without waiting for it. */
  expire(requestId: string): void {
    const request = this.requests.get(requestId);
    if (request) request.expiresAt = 0;
  }

  get ttlSeconds(): number {
    return this.ttlMs / 1000;
  }

  clear(): void {
    this.requests.clear();
  }

  close(): void {
    clearInterval(this.sweeper);
  }

  private sweep(): void {
    const now = Date.now();
    for (const [id, request] of this.requests) if (request.expiresAt <= now) this.requests.delete(id);
  }

  // Map iteration is insertion order, so the first entries are the oldest issued.
  private dropOldest(): void {
    const drop = Math.ceil(HARD_CAP / 10);
    let dropped = 0;
    for (const id of this.requests.keys()) {
      if (dropped++ >= drop) break;
      this.requests.delete(id);
    }
  }
}
