import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  HttpException,
  Inject,
  Param,
  Post,
  Put,
} from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@agent-bridge/config';
import { sameSecret } from '@agent-bridge/http';
import { LoopbackDeskService, type LoopbackFaults } from './loopback-desk.service';
import { DeskEvents } from '@agent-bridge/desk-port';

const PROVIDER = 'loopback';

/** Off unless LOOPBACK_SECRET is set; every call carries it in `x-loopback-secret`. */
@Controller('providers/loopback')
export class LoopbackController {
  constructor(
    private readonly desk: LoopbackDeskService,
    private readonly deskEvents: DeskEvents,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('chats')
  async chats(@Headers('x-loopback-secret') secret?: string): Promise<unknown> {
    this.authorize(secret);
    return this.desk.chats();
  }

  @Get('chats/:ref')
  async chat(@Param('ref') ref: string, @Headers('x-loopback-secret') secret?: string): Promise<unknown> {
    this.authorize(secret);
    const chat = await this.desk.chat(ref);
    if (!chat) throw new HttpException('No such chat', 404);
    return { ...chat, entries: await this.desk.entries(ref) };
  }

  @Post('chats/:ref/join')
  @HttpCode(200)
  async join(@Param('ref') ref: string, @Body() body: { agentId?: unknown; agentName?: unknown }, @Headers('x-loopback-secret') secret?: string): Promise<{ ok: boolean }> {
    this.authorize(secret);
    const agentId = requireString(body?.agentId, 'agentId');
    return { ok: await this.deskEvents.agentJoined(PROVIDER, ref, { id: agentId, name: typeof body.agentName === 'string' ? body.agentName : agentId }) };
  }

  @Post('chats/:ref/messages')
  @HttpCode(200)
  async message(@Param('ref') ref: string, @Body() body: { id?: unknown; text?: unknown; agentName?: unknown }, @Headers('x-loopback-secret') secret?: string): Promise<{ ok: boolean }> {
    this.authorize(secret);
    const id = requireString(body?.id, 'id');
    const text = requireString(body?.text, 'text');
    const stored = await this.deskEvents.agentMessage(PROVIDER, ref, { id, text, agentName: typeof body.agentName === 'string' ? body.agentName : null });
    return { ok: stored !== null };
  }

  @Post('chats/:ref/close')
  @HttpCode(200)
  async close(@Param('ref') ref: string, @Body() body: { by?: unknown }, @Headers('x-loopback-secret') secret?: string): Promise<{ ok: boolean }> {
    this.authorize(secret);
    await this.desk.markClosed(ref, 'agent');
    return { ok: await this.deskEvents.chatClosed(PROVIDER, ref, `agent:${typeof body?.by === 'string' ? body.by : 'unknown'}`) };
  }

  @Put('faults')
  @HttpCode(200)
  async faults(@Body() body: LoopbackFaults, @Headers('x-loopback-secret') secret?: string): Promise<{ ok: true }> {
    this.authorize(secret);
    await this.desk.setFaults(body ?? {});
    return { ok: true };
  }

  private authorize(given: string | undefined): void {
    const expected = this.config.handoff.loopbackSecret;
    if (!expected) throw new HttpException('Not Found', 404);
    if (!given || !sameSecret(given, expected)) throw new HttpException('Invalid loopback secret', 401);
  }
}

function requireString(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 20_000) {
    throw new HttpException(`"${name}" must be a non-empty string`, 400);
  }
  return value;
}
