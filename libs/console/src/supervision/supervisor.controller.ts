import { Body, Controller, Get, HttpCode, HttpException, Param, Post, UseGuards } from '@nestjs/common';
import type { Agent } from '../agents/agent.repository';
import { AdminInput } from '../admin/admin-input';
import { BoardService } from './board.service';
import { ConsoleSupervisorGuard, SignedInSupervisor } from './console-supervisor.guard';
import { SupervisorActionsService, type SupervisorResult } from './supervisor-actions.service';

const STATUS: Record<Exclude<SupervisorResult, { ok: true }>['error'], number> = {
  'not allowed': 403,
  'not found': 404,
  'no such agent': 404,
  'text is required': 400,
  'no agent': 409,
  'agent not available': 409,
  at_capacity: 409,
  'the chat has ended': 409,
};

const MESSAGES: Record<keyof typeof STATUS, string> = {
  'not allowed': 'Only supervisors and admins may do this',
  'not found': 'No such open conversation',
  'no such agent': 'No such agent (or it is the chat\'s agent already)',
  'text is required': '"text" is required (at most 3000 characters)',
  'no agent': 'The conversation has no agent to whisper to',
  'agent not available': 'The agent is not available now',
  at_capacity: 'The agent has as many chats as they may hold',
  'the chat has ended': 'The conversation has ended',
};

function answer(result: SupervisorResult): unknown {
  if (result.ok) {
    const { ok: _ok, ...rest } = result;
    return rest;
  }
  throw new HttpException(MESSAGES[result.error], STATUS[result.error]);
}

/** The board and a supervisor's actions over REST, as the console socket offers them, for tools and scripts. */
@Controller('console/api/supervisor')
@UseGuards(ConsoleSupervisorGuard)
export class SupervisorController {
  constructor(
    private readonly board: BoardService,
    private readonly actions: SupervisorActionsService,
  ) {}

  @Get('board')
  snapshot(): Promise<unknown> {
    return this.board.snapshot();
  }

  @Post('conversations/:id/whisper')
  @HttpCode(200)
  async whisper(@SignedInSupervisor() me: Agent, @Param('id') id: string, @Body() body: unknown): Promise<unknown> {
    const input = new AdminInput(body, ['text', 'clientId']);
    const text = input.text('text', 3000, { line: false });
    const clientId = input.optionalText('clientId', 100);
    return answer(await this.actions.whisper(me, id, text, clientId));
  }

  @Post('conversations/:id/take-over')
  @HttpCode(200)
  async takeOver(@SignedInSupervisor() me: Agent, @Param('id') id: string): Promise<unknown> {
    return answer(await this.actions.takeOver(me, id));
  }

  @Post('conversations/:id/reassign')
  @HttpCode(200)
  async reassign(@SignedInSupervisor() me: Agent, @Param('id') id: string, @Body() body: unknown): Promise<unknown> {
    const input = new AdminInput(body, ['agentId']);
    return answer(await this.actions.reassign(me, id, input.text('agentId', 100)));
  }
}
