import { ConflictException, Controller, ForbiddenException, Get, NotFoundException, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DeadLetterService, type DeadLetterView } from '@agent-bridge/events';
import { OpsAuthGuard } from './ops-auth.guard';

@Controller('ops/api/dead-letters')
@UseGuards(OpsAuthGuard)
export class DeadLettersController {
  constructor(private readonly deadLetters: DeadLetterService) {}

  @Get()
  async list(): Promise<{ open: number; recent: DeadLetterView[] }> {
    const [open, recent] = await Promise.all([this.deadLetters.countOpen(), this.deadLetters.recent(100)]);
    return { open, recent };
  }

  /** The ops page posts a form here (it has no script) and is sent back to the page; other callers get JSON. */
  @Post(':id/retry')
  async retry(@Param('id') id: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    refuseCrossSite(request);
    const outcome = await this.deadLetters.retry(id);
    if (outcome === 'not_found') throw new NotFoundException('No such dead letter');
    if (outcome === 'already_retried') throw new ConflictException('This dead letter was retried already');
    // The reply is sent here: Nest's default status for a POST would override a redirect.
    if (String(request.headers.accept ?? '').includes('text/html')) await reply.status(303).header('location', '/ops').send();
    else await reply.status(200).send({ id, state: 'retried' });
  }
}

/**
 * A browser sends HTTP Basic along with a form another site posts, so its POST must come from our own
 * pages: Sec-Fetch-Site says so where sent (behind a proxy too), else the Origin must name this host.
 */
function refuseCrossSite(request: FastifyRequest): void {
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined) {
    if (site === 'same-origin' || site === 'none') return;
    throw new ForbiddenException('Cross-site requests may not retry dead letters');
  }
  const origin = request.headers.origin;
  if (origin === undefined) return;
  let host: string | null = null;
  try {
    host = new URL(origin).host;
  } catch {
    host = null;
  }
  const forwarded = request.headers['x-forwarded-host'];
  if (host !== null && (host === request.headers.host || host === forwarded)) return;
  throw new ForbiddenException('Cross-site requests may not retry dead letters');
}
