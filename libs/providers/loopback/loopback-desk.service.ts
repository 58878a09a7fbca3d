import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { APP_CONFIG, type AppConfig } from '@agent-bridge/config';
import { NotReplicatedError, REDIS, RedisKeys } from '@agent-bridge/persistence';
import { type OpenChatRequest, type UserActivity } from '@agent-bridge/desk-port';

export interface LoopbackChat {
  ref: string;
  conversationId: string;
  botId: string;
  visitorKey: string;
  userName: string | null;
  historyUrl: string;
  recentMessages: OpenChatRequest['recentMessages'];
  trigger: string;
  /** The team routing chose, as this desk's `deskGroups.loopback` names it. */
  team: OpenChatRequest['team'];
  openedAt: string;
  closed: boolean;
  closeReason?: string;
}

export type LoopbackEntry =
  | { kind: 'message'; messageId: string; text: string; at: string }
  | { kind: 'activity'; activity: UserActivity; at: string }
  | { kind: 'notice'; text: string; at: string }
  | { kind: 'team'; team: OpenChatRequest['team']; at: string };

export interface LoopbackFaults {
  /** The next N user messages fail as if the desk were down (retryable). */
  failMessages?: number;
  /** The next N user messages are refused (not retryable). */
  rejectMessages?: number;
  noAgents?: boolean;
}

/** Marks the message id seen and appends the entry in one step: a process killed between the two would drop the message for good. */
const RECORD_ONCE = `if redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('RPUSH', KEYS[2], ARGV[2])
return 1`;

/** In Redis, so that every instance sees the same desk. */
@Injectable()
export class LoopbackDeskService {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: RedisKeys,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private k(...parts: string[]): string {
    return this.keys.key('loopback', ...parts);
  }

  async open(request: OpenChatRequest): Promise<LoopbackChat> {
    const chat: LoopbackChat = {
      ref: `lb-${randomUUID()}`,
      conversationId: request.conversationId,
      botId: request.botId,
      visitorKey: request.visitorKey,
      userName: request.user.name,
      historyUrl: request.historyUrl,
      recentMessages: request.recentMessages,
      trigger: request.trigger,
      team: request.team,
      openedAt: new Date().toISOString(),
      closed: false,
    };
    await this.redis.multi().set(this.k('chat', chat.ref), JSON.stringify(chat)).rpush(this.k('chats'), chat.ref).exec();
    return chat;
  }

  async chat(ref: string): Promise<LoopbackChat | null> {
    const raw = await this.redis.get(this.k('chat', ref));
    return raw ? (JSON.parse(raw) as LoopbackChat) : null;
  }

  async chats(): Promise<LoopbackChat[]> {
    const refs = await this.redis.lrange(this.k('chats'), 0, -1);
    const chats = await Promise.all(refs.map((ref) => this.chat(ref)));
    return chats.filter((c): c is LoopbackChat => c !== null);
  }

  /** A message id seen before is dropped: upstream delivers at least once. */
  async record(ref: string, entry: LoopbackEntry): Promise<boolean> {
    if (entry.kind === 'message') {
      const fresh = (await this.redis.eval(RECORD_ONCE, 2, this.k('seen', ref), this.k('entries', ref), entry.messageId, JSON.stringify(entry))) === 1;
      await this.replicated();
      return fresh;
    }
    await this.redis.rpush(this.k('entries', ref), JSON.stringify(entry));
    await this.replicated();
    return true;
  }

  /**
   * A desk keeps what it was sent: with replicas configured, a failover must not lose a message the
   * bridge then counts as delivered. Not replicated in time: the delivery is retried (and, if the
   * entry survived, deduplicated).
   */
  private async replicated(): Promise<void> {
    const { replicaAcks = 0, replicaAckTimeoutMs = 1000 } = this.config.redis;
    if (replicaAcks === 0) return;
    const acknowledged = await this.redis.wait(replicaAcks, replicaAckTimeoutMs);
    if (acknowledged < replicaAcks) throw new NotReplicatedError(true, acknowledged, replicaAcks);
  }

  async entries(ref: string): Promise<LoopbackEntry[]> {
    return (await this.redis.lrange(this.k('entries', ref), 0, -1)).map((e) => JSON.parse(e) as LoopbackEntry);
  }

  async markClosed(ref: string, reason: string): Promise<void> {
    const chat = await this.chat(ref);
    if (!chat || chat.closed) return;
    await this.redis.set(this.k('chat', ref), JSON.stringify({ ...chat, closed: true, closeReason: reason }));
  }

  async setFaults(faults: LoopbackFaults): Promise<void> {
    await this.redis.set(this.k('faults'), JSON.stringify(faults));
  }

  /** Not atomic, which is enough for tests. */
  async takeFault(kind: 'failMessages' | 'rejectMessages'): Promise<boolean> {
    const raw = await this.redis.get(this.k('faults'));
    const faults = raw ? (JSON.parse(raw) as LoopbackFaults) : {};
    if (!faults[kind]) return false;
    faults[kind] = faults[kind]! - 1;
    await this.redis.set(this.k('faults'), JSON.stringify(faults));
    return true;
  }

  async faults(): Promise<LoopbackFaults> {
    const raw = await this.redis.get(this.k('faults'));
    return raw ? (JSON.parse(raw) as LoopbackFaults) : {};
  }
}
