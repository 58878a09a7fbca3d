import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

export interface BotSettingsRow {
  botId: string;
  texts: Record<string, string>;
  csatEnabled: boolean;
  updatedAt: Date;
  updatedBy: string | null;
}

interface Row {
  bot_id: string;
  texts: Record<string, string>;
  csat_enabled: boolean;
  updated_at: Date;
  updated_by: string | null;
}

const toSettings = (r: Row): BotSettingsRow => ({ botId: r.bot_id, texts: r.texts, csatEnabled: r.csat_enabled, updatedAt: r.updated_at, updatedBy: r.updated_by });

/** bot_settings: read whole at start-up and one row per change, never per message. */
@Injectable()
export class BotSettingsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async all(): Promise<BotSettingsRow[]> {
    const rows: Row[] = await this.db.query(`SELECT * FROM bot_settings ORDER BY bot_id`);
    return rows.map(toSettings);
  }

  async get(botId: string): Promise<BotSettingsRow | null> {
    const rows: Row[] = await this.db.query(`SELECT * FROM bot_settings WHERE bot_id = $1`, [botId]);
    return rows[0] ? toSettings(rows[0]) : null;
  }

  /** A field left undefined keeps its stored value (or the column default for a new row). */
  async save(botId: string, change: { texts?: Record<string, string>; csatEnabled?: boolean }, actor: string): Promise<BotSettingsRow> {
    const [row]: Row[] = await this.db.query(
      `INSERT INTO bot_settings (bot_id, texts, csat_enabled, updated_at, updated_by)
       VALUES ($1, COALESCE($2::jsonb, '{}'), COALESCE($3, false), clock_timestamp(), $4)
       ON CONFLICT (bot_id) DO UPDATE SET
         texts = COALESCE($2::jsonb, bot_settings.texts),
         csat_enabled = COALESCE($3, bot_settings.csat_enabled),
         updated_at = clock_timestamp(),
         updated_by = $4
       RETURNING *`,
      [botId, change.texts === undefined ? null : JSON.stringify(change.texts), change.csatEnabled ?? null, actor],
    );
    return toSettings(row!);
  }
}
