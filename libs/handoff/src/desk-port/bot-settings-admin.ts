/** A text a bot's users see, as the admin edits it. */
export interface BotTextKey {
  key: string;
  /** What the engine fills in, e.g. `agent` for `{agent}`; anything else in braces is sent as typed. */
  placeholders: string[];
}

export interface BotSettingsView {
  botId: string;
  /** Named in BOTS_FILE (otherwise only stored here, or served by the default credentials). */
  configured: boolean;
  /** What users are told now, every key. */
  texts: Record<string, string>;
  /** What they would be told without the admin's texts (config defaults, then BOTS_FILE). */
  defaults: Record<string, string>;
  /** The keys the admin set. */
  overridden: string[];
  csatEnabled: boolean;
  updatedAt: string | null;
  updatedBy: string | null;
}

export interface BotSettingsChange {
  /** Replaces every text the admin set before; a key left out goes back to its default. */
  texts?: Record<string, string>;
  csatEnabled?: boolean;
}

/**
 * The per-bot texts and CSAT switch, for a desk's admin screens (the console). A change applies at
 * once on every instance. Input is validated by the caller against `textKeys()`.
 */
export abstract class BotSettingsAdmin {
  abstract textKeys(): BotTextKey[];
  /** Bots of BOTS_FILE and bots with stored settings, by id. */
  abstract list(): BotSettingsView[];
  /** Null for a bot this deployment cannot serve. */
  abstract get(botId: string): BotSettingsView | null;
  /** True when any Kore bot id is served (default credentials), so an admin may name one not listed. */
  abstract anyBot(): boolean;
  abstract update(botId: string, change: BotSettingsChange, actor: string): Promise<BotSettingsView | null>;
}
