import { Body, Controller, Get, HttpException, Put, UseGuards } from '@nestjs/common';
import { DeskTeams, type HandoffTrigger, type RoutingRuleInput } from '@agent-bridge/desk-port';
import { TeamsBroadcast } from '../teams/teams-broadcast.service';
import { AdminInput } from './admin-input';
import { ConsoleAdminGuard } from './console-admin.guard';

const TRIGGERS: readonly HandoffTrigger[] = ['agent_transfer', 'tone', 'keyword'];
/** A dotted path of plain keys into the Kore context, e.g. session.BotUserSession.language. */
const CONTEXT_PATH = /^[A-Za-z0-9_$-]{1,100}(\.[A-Za-z0-9_$-]{1,100}){0,9}$/;
const MAX_RULES = 200;

function rule(raw: unknown, index: number): RoutingRuleInput {
  const at = (msg: string): HttpException => new HttpException(`Rule ${index + 1}: ${msg}`, 400);
  let input: AdminInput;
  try {
    input = new AdminInput(raw, ['botId', 'trigger', 'contextPath', 'contextValue', 'teamId']);
  } catch (error) {
    throw at((error as HttpException).message);
  }
  const nullable = (name: string, read: () => string): string | null => (input.raw(name) === null || input.raw(name) === undefined || input.raw(name) === '' ? null : read());
  try {
    const botId = nullable('botId', () => input.text('botId', 200));
    const trigger = nullable('trigger', () => input.oneOf('trigger', TRIGGERS)) as HandoffTrigger | null;
    const contextPath = nullable('contextPath', () => input.matching('contextPath', CONTEXT_PATH, 'a dotted path such as session.BotUserSession.language'));
    // The value is compared as text, exactly: kept as typed, spaces included.
    const value = input.raw('contextValue');
    if (value !== null && value !== undefined && (typeof value !== 'string' || value.length > 500)) throw new HttpException('"contextValue" must be text of at most 500 characters', 400);
    const contextValue = typeof value === 'string' ? value : null;
    if ((contextPath === null) !== (contextValue === null)) throw new HttpException('"contextPath" and "contextValue" go together', 400);
    const teamId = input.uuidOrNull('teamId');
    if (teamId === null) throw new HttpException('"teamId" is required', 400);
    return { botId, trigger, contextPath, contextValue, teamId };
  } catch (error) {
    throw at((error as HttpException).message);
  }
}

/** The ordered list of routing rules: the first that matches a hand-off names its team. */
@Controller('console/api/admin/routing-rules')
@UseGuards(ConsoleAdminGuard)
export class AdminRoutingController {
  constructor(
    private readonly teams: DeskTeams,
    private readonly broadcast: TeamsBroadcast,
  ) {}

  @Get()
  async list(): Promise<unknown> {
    return { items: await this.teams.rules() };
  }

  /** The whole list in order, replaced at once. */
  @Put()
  async replace(@Body() body: unknown): Promise<unknown> {
    const input = new AdminInput(body, ['items']);
    const items = input.raw('items');
    if (!Array.isArray(items) || items.length > MAX_RULES) throw new HttpException(`"items" must be a list of at most ${MAX_RULES} rules`, 400);
    const rules = items.map(rule);
    const saved = await this.teams.replaceRules(rules);
    if (saved === 'bad_team') throw new HttpException('Every rule must name an existing team', 400);
    await this.broadcast.changed('routing rules changed');
    return { items: saved };
  }
}
