import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { APP_CONFIG, type AppConfig, type BotHandoffSettings } from '@agent-bridge/config';
import type { BotkitPayload } from '@agent-bridge/botkit';
import { REDIS, RedisKeys } from '@agent-bridge/persistence';

interface ToneEntry {
  tone_name?: unknown;
  level?: unknown;
}

export function settingsFor(config: AppConfig, botId: string): BotHandoffSettings {
  const own = Object.hasOwn(config.kore.bots, botId) ? config.kore.bots[botId]!.handoff : undefined;
  return { ...config.handoff, ...own };
}

/**
 * Tone is read from both `message_tone` (the docs) and `dialog_tone` (Kore's sample code); a tone
 * escalation is debounced, so one angry exchange cannot escalate twice in a row.
 */
@Injectable()
export class EscalationRulesService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  angryEnough(botId: string, payload: BotkitPayload): boolean {
    return this.angriest(botId, payload) !== null;
  }

  /** The strongest tone of the context that meets one of the bot's rules: the hand-off's detail. */
  angriest(botId: string, payload: BotkitPayload): { tone: string; level: number } | null {
    const settings = settingsFor(this.config, botId);
    if (!settings.toneEscalation) return null;
    const context = (payload.context ?? {}) as Record<string, unknown>;
    const tones = [context.message_tone, context.dialog_tone].flatMap((t) => (Array.isArray(t) ? (t as ToneEntry[]) : []));
    let found: { tone: string; level: number } | null = null;
    for (const entry of tones) {
      const { tone_name: tone, level } = entry ?? {};
      if (typeof tone !== 'string' || typeof level !== 'number') continue;
      if (!settings.toneRules.some((rule) => rule.tone === tone && level >= rule.level)) continue;
      if (!found || level > found.level) found = { tone, level };
    }
    return found;
  }

  /** True once per debounce window for a conversation. */
  async claimToneEscalation(botId: string, visitorKey: string): Promise<boolean> {
    const seconds = settingsFor(this.config, botId).toneDebounceSeconds;
    if (seconds === 0) return true;
    const set = await this.redis.set(this.keys.key('tone-debounce', botId, visitorKey), '1', 'EX', seconds, 'NX');
    return set === 'OK';
  }

  asksForHuman(botId: string, message: unknown): boolean {
    return this.keywordIn(botId, message) !== null;
  }

  /** The bot's escalation keyword the message holds, if any. */
  keywordIn(botId: string, message: unknown): string | null {
    if (typeof message !== 'string') return null;
    const keywords = settingsFor(this.config, botId).keywords;
    if (keywords.length === 0) return null;
    const lower = message.toLowerCase();
    const words = new Set(lower.split(/[^\p{L}\p{N}]+/u).filter(Boolean));
    return keywords.find((k) => (k.includes(' ') ? lower.includes(k) : words.has(k))) ?? null;
  }

  isEndCommand(botId: string, message: unknown): boolean {
    return typeof message === 'string' && message.trim().toLowerCase() === settingsFor(this.config, botId).endCommand.toLowerCase();
  }
}
