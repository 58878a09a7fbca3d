import { Body, Controller, Get, HttpException, Param, Patch, Post, Put, UseGuards } from '@nestjs/common';
import { ConsoleEmitter } from '../desk/console-emitter.service';
import { AGENTS_ROOM } from '../desk/console-events';
import { DispositionRepository } from '../dispositions/disposition.repository';
import { AdminInput, conflict, notFound, serialId } from './admin-input';
import { ConsoleAdminGuard } from './console-admin.guard';

const CODE = /^[a-z0-9][a-z0-9-]{0,39}$/;

/** "Follow-up needed" -> "follow-up-needed". */
export function codeOf(label: string): string {
  return label.toLowerCase().normalize('NFKD').replace(/\p{M}/gu, '').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40).replace(/-+$/, '');
}

/** No delete: closed conversations keep their code; an admin deactivates one instead. */
@Controller('console/api/admin/dispositions')
@UseGuards(ConsoleAdminGuard)
export class AdminDispositionsController {
  constructor(
    private readonly dispositions: DispositionRepository,
    private readonly emitter: ConsoleEmitter,
  ) {}

  @Get()
  async list(): Promise<unknown> {
    return { items: await this.dispositions.list() };
  }

  @Post()
  async create(@Body() body: unknown): Promise<unknown> {
    const input = new AdminInput(body, ['label', 'code', 'active']);
    const label = input.text('label', 100);
    const code = input.has('code') ? input.matching('code', CODE, 'lower-case letters, digits and "-" (at most 40)') : codeOf(label);
    if (!code) throw new HttpException('"label" needs a letter or a digit, or give a "code"', 400);
    const item = await this.dispositions.create({ code, label, active: input.has('active') ? input.boolean('active') : true });
    if (!item) throw conflict(`A disposition with the code "${code}" exists already`);
    await this.publish();
    return { item };
  }

  @Patch(':id')
  async update(@Param('id') rawId: string, @Body() body: unknown): Promise<unknown> {
    const id = serialId(rawId, 'disposition');
    const input = new AdminInput(body, ['label', 'active']);
    const change = { label: input.optionalText('label', 100), active: input.has('active') ? input.boolean('active') : undefined };
    if (change.label === undefined && change.active === undefined) throw new HttpException('Nothing to change: give label or active', 400);
    const item = await this.dispositions.update(id, change);
    if (!item) throw notFound('disposition');
    await this.publish();
    return { item };
  }

  /** The order agents see: every disposition's id, once. */
  @Put('order')
  async reorder(@Body() body: unknown): Promise<unknown> {
    const ids = new AdminInput(body, ['ids']).raw('ids');
    if (!Array.isArray(ids) || !ids.every((id) => Number.isInteger(id) && id > 0 && id < 1e9)) throw new HttpException('"ids" must be a list of disposition ids', 400);
    if (!(await this.dispositions.reorder(ids as number[]))) throw new HttpException('"ids" must name every disposition exactly once', 400);
    await this.publish();
    return { items: await this.dispositions.list() };
  }

  private async publish(): Promise<void> {
    this.emitter.toRoom(AGENTS_ROOM, 'dispositions', { items: await this.dispositions.offered() });
  }
}
