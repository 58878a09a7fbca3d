import { Body, Controller, Get, HttpException, Param, Put, UseGuards } from '@nestjs/common';
import { BotSettingsAdmin, type BotSettingsChange } from '@agent-bridge/desk-port';
import type { Agent } from '../agents/agent.repository';
import { AdminInput, notFound } from './admin-input';
import { ConsoleAdminGuard, SignedInAdmin } from './console-admin.guard';

const bad = (msg: string): HttpException => new HttpException(msg, 400);
/** The platform takes up to 3000 characters a message; a notice is far shorter. */
const TEXT_MAX = 1000;
// Line breaks and tabs are fine in a message; other control characters are not.
const CONTROL = /(?![\n\t])\p{Cc}/u;
const BOT_ID = /^[\w.-]{1,100}$/;

/** The per-bot texts users see and the CSAT switch; through the desk port, never the engine's tables. */
@Controller('console/api/admin/bots')
@UseGuards(ConsoleAdminGuard)
export class AdminBotsController {
  constructor(private readonly bots: BotSettingsAdmin) {}

  @Get()
  list(): unknown {
    return { items: this.bots.list(), keys: this.bots.textKeys(), anyBot: this.bots.anyBot() };
  }

  @Get(':botId')
  get(@Param('botId') botId: string): unknown {
    const item = BOT_ID.test(botId) ? this.bots.get(botId) : null;
    if (!item) throw notFound('bot');
    return { item };
  }

  /** `texts` replaces what was set before (a key left out is back to its default); placeholders are kept as typed. */
  @Put(':botId')
  async update(@Param('botId') botId: string, @Body() body: unknown, @SignedInAdmin() admin: Agent): Promise<unknown> {
    const input = new AdminInput(body, ['texts', 'csatEnabled']);
    const change: BotSettingsChange = {};
    if (input.has('texts')) change.texts = this.texts(input.raw('texts'));
    if (input.has('csatEnabled')) change.csatEnabled = input.boolean('csatEnabled');
    if (change.texts === undefined && change.csatEnabled === undefined) throw bad('Nothing to change: give texts or csatEnabled');
    const item = BOT_ID.test(botId) ? await this.bots.update(botId, change, `agent:${admin.id}`) : null;
    if (!item) throw notFound('bot');
    return { item };
  }

  private texts(raw: unknown): Record<string, string> {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw bad('"texts" must be a map of text name to text');
    const known = new Set(this.bots.textKeys().map((k) => k.key));
    const texts: Record<string, string> = {};
    for (const [key, value] of Object.entries(raw)) {
      if (!known.has(key)) throw bad(`Unknown text "${key.slice(0, 40)}"; known: ${[...known].join(', ')}`);
      if (typeof value !== 'string' || value.trim() === '') throw bad(`"texts.${key}" must be a text; leave it out to use the default`);
      const text = value.trim();
      if (text.length > TEXT_MAX) throw bad(`"texts.${key}" is longer than ${TEXT_MAX} characters`);
      if (CONTROL.test(text)) throw bad(`"texts.${key}" must not hold control characters`);
      texts[key] = text;
    }
    return texts;
  }
}
