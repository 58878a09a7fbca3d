import { Body, Controller, Delete, Get, HttpCode, HttpException, Param, Patch, Post, UseGuards } from '@nestjs/common';
import { CannedResponseRepository } from '../canned/canned-response.repository';
import { TeamsBroadcast } from '../teams/teams-broadcast.service';
import { AdminInput, conflict, notFound, serialId } from './admin-input';
import { ConsoleAdminGuard } from './console-admin.guard';

/** What follows "/" in the composer: no spaces. */
const SHORTCUT = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$/;
const SHORTCUT_RULE = '1 to 40 letters, digits, "-", "_" or "." (no spaces)';
const TEXT_MAX = 5000;

@Controller('console/api/admin/canned-responses')
@UseGuards(ConsoleAdminGuard)
export class AdminCannedController {
  constructor(
    private readonly canned: CannedResponseRepository,
    private readonly broadcast: TeamsBroadcast,
  ) {}

  @Get()
  async list(): Promise<unknown> {
    return { items: await this.canned.list() };
  }

  @Post()
  async create(@Body() body: unknown): Promise<unknown> {
    const input = new AdminInput(body, ['shortcut', 'title', 'text', 'teamId']);
    const item = await this.canned.create({
      shortcut: input.matching('shortcut', SHORTCUT, SHORTCUT_RULE),
      title: input.text('title', 100),
      text: input.text('text', TEXT_MAX, { line: false }),
      teamId: input.has('teamId') ? input.uuidOrNull('teamId') : null,
    });
    if (!item) throw conflict('A canned response with this shortcut exists already');
    if (item === 'bad_team') throw new HttpException('"teamId" must name an existing team', 400);
    await this.publish();
    return { item };
  }

  @Patch(':id')
  async update(@Param('id') rawId: string, @Body() body: unknown): Promise<unknown> {
    const id = serialId(rawId, 'canned response');
    const input = new AdminInput(body, ['shortcut', 'title', 'text', 'teamId']);
    const change = {
      shortcut: input.has('shortcut') ? input.matching('shortcut', SHORTCUT, SHORTCUT_RULE) : undefined,
      title: input.optionalText('title', 100),
      text: input.optionalText('text', TEXT_MAX, { line: false }),
      teamId: Object.hasOwn(body as object, 'teamId') ? input.uuidOrNull('teamId') : undefined,
    };
    if (Object.values(change).every((v) => v === undefined)) throw new HttpException('Nothing to change: give shortcut, title, text or teamId', 400);
    const item = await this.canned.update(id, change);
    if (item === 'not_found') throw notFound('canned response');
    if (item === 'taken') throw conflict('A canned response with this shortcut exists already');
    if (item === 'bad_team') throw new HttpException('"teamId" must name an existing team', 400);
    await this.publish();
    return { item };
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id') rawId: string): Promise<void> {
    if (!(await this.canned.delete(serialId(rawId, 'canned response')))) throw notFound('canned response');
    await this.publish();
  }

  /** Open consoles replace their list (global ones and their teams'); one that misses it reloads the list when it reconnects. */
  private async publish(): Promise<void> {
    await this.broadcast.changed('canned responses changed');
  }
}
