import type { SimBot } from '../sim.types';

export interface RegisteredBot extends Required<Omit<SimBot, 'botName'>> {
  botName: string;
}

/** Checked once at construction, so misconfiguration fails early. */
export class BotRegistry {
  private readonly bots = new Map<string, RegisteredBot>();

  constructor(bots: SimBot[]) {
    if (bots.length === 0) throw new Error('PlatformSim needs at least one bot');
    for (const bot of bots) {
      if (!bot.botId || !bot.clientId || !bot.clientSecret) {
        throw new Error(`PlatformSim bot ${bot.botId || '(no id)'} needs botId, clientId and clientSecret`);
      }
      const jwtAlgorithm = bot.jwtAlgorithm ?? 'HS256';
      if (jwtAlgorithm !== 'HS256' && jwtAlgorithm !== 'HS512') {
        throw new Error(`PlatformSim bot ${bot.botId}: jwtAlgorithm must be HS256 or HS512`);
      }
      if (this.bots.has(bot.botId)) throw new Error(`PlatformSim bot ${bot.botId} is listed twice`);
      this.bots.set(bot.botId, { ...bot, jwtAlgorithm, botName: bot.botName ?? bot.botId });
    }
  }

  get(botId: string): RegisteredBot | undefined {
    return this.bots.get(botId);
  }

  require(botId: string): RegisteredBot {
    const bot = this.bots.get(botId);
    if (!bot) throw new Error(`PlatformSim has no bot ${botId}`);
    return bot;
  }

  first(): RegisteredBot {
    return this.bots.values().next().value!;
  }

  all(): RegisteredBot[] {
    return [...this.bots.values()];
  }
}
