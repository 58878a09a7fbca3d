import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { APP_CONFIG, type AppConfig } from '@agent-bridge/config';
import { BotkitClient, type BotkitPayload } from '@agent-bridge/botkit';
import { REDIS, RedisKeys } from '@agent-bridge/persistence';
import { ConversationRepository } from '../conversations/conversation.repository';
import type { Conversation } from '../conversations/conversation.types';
import { BotSettingsService } from '../settings/bot-settings.service';
import { csatPromptText, parseRating } from './csat-rating';
import { CsatRepository } from './csat.repository';

/**
 * The rating question after an agent's chat, and the user's answer. The question is asked once
 * per session (its transcript row is queued with the close); while it waits for an answer a Redis
 * key per visitor names the session, so any instance, after any restart, takes the next message
 * as the rating, and a bot with CSAT off pays nothing per message.
 */
@Injectable()
export class CsatService {
  private readonly logger = new Logger(CsatService.name);

  constructor(
    private readonly conversations: ConversationRepository,
    private readonly repository: CsatRepository,
    private readonly settings: BotSettingsService,
    private readonly botkit: BotkitClient,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: RedisKeys,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private pendingKey(botId: string, visitorKey: string): string {
    return this.keys.key('csat-pending', botId, visitorKey);
  }

  /**
   * Sends the stored question as Kore's quick replies. The answer window opens before the send,
   * so no answer can arrive before it; a send retried by the drain opens it again.
   */
  async sendPrompt(conversation: Conversation, stored: string): Promise<void> {
    await this.redis.set(this.pendingKey(conversation.botId, conversation.visitorKey), conversation.id, 'EX', this.config.handoff.csatWindowSeconds);
    const { overrideMessagePayload: _none, ...payload } = conversation.latestPayload;
    await this.botkit.sendUserMessage(
      { ...payload, message: csatPromptText(stored), overrideMessagePayload: { body: stored, isTemplate: true } },
      { attempts: 2 },
    );
  }

  /** A window Redis lost (CsatReconciler); false when one is there already, for this session or a later one. */
  async restoreWindow(botId: string, visitorKey: string, conversationId: string, remainingMs: number): Promise<boolean> {
    return (await this.redis.set(this.pendingKey(botId, visitorKey), conversationId, 'PX', remainingMs, 'NX')) === 'OK';
  }

  /**
   * True when the user's message answered a pending question: stored (once, however often the
   * event is retried), thanked, and not for the bot. Anything else ends the wait and is the bot's.
   */
  async takeAnswer(botId: string, visitorKey: string, payload: BotkitPayload): Promise<boolean> {
    if (!this.settings.csatEnabled(botId)) return false;
    const key = this.pendingKey(botId, visitorKey);
    const conversationId = await this.redis.get(key);
    if (!conversationId) return false;
    const score = parseRating(payload.message);
    if (score === null) {
      await this.repository.waitEnded(conversationId);
      await this.redis.del(key);
      return false;
    }
    if (await this.conversations.recordCsat(conversationId, score)) {
      this.logger.log(`conversation ${conversationId}: CSAT ${score}`);
    }
    const { overrideMessagePayload: _none, ...reply } = payload;
    await this.botkit.sendUserMessage({ ...reply, message: this.settings.messages(botId).csatThanks }, { attempts: 2 });
    await this.redis.del(key);
    return true;
  }
}
