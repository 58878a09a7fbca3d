import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { BotkitClient, type BotkitPayload } from '@agent-bridge/botkit';

/** BotKit's BotVariables sample, made durable. */
@Injectable()
export class BotVariablesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly botkit: BotkitClient,
  ) {}

  async refresh(payload: BotkitPayload): Promise<void> {
    const language = typeof payload.language === 'string' && payload.language ? payload.language : 'en';
    const [variables] = await this.botkit.fetchBotVariable(payload, [language]);
    await this.db.query(
      `INSERT INTO bot_variables (bot_id, language, variables, fetched_at) VALUES ($1, $2, $3, now())
       ON CONFLICT (bot_id, language) DO UPDATE SET variables = EXCLUDED.variables, fetched_at = now()`,
      [payload.botId, language, JSON.stringify(variables ?? null)],
    );
  }

  async get(botId: string, language = 'en'): Promise<unknown> {
    const rows: Array<{ variables: unknown }> = await this.db.query(
      `SELECT variables FROM bot_variables WHERE bot_id = $1 AND language = $2`,
      [botId, language],
    );
    return rows[0]?.variables ?? null;
  }
}
