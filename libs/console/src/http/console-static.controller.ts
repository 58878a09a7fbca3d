import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { Controller, Get, HttpException, Param, Req, Res, type OnModuleInit } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/** `npm run build` copies libs/console/page into dist. */
const PAGE_DIR = join(__dirname, '..', '..', 'page');

/** Only names read from the folder at start-up are served, so no path can escape it. */
@Controller('console')
export class ConsoleStaticController implements OnModuleInit {
  private readonly files = new Map<string, { type: string; body: Buffer }>();

  onModuleInit(): void {
    const dir = PAGE_DIR;
    if (!existsSync(join(dir, 'index.html'))) throw new Error(`the console page is missing from ${dir}: run npm run build`);
    for (const name of readdirSync(dir)) {
      const type = TYPES[extname(name)];
      if (type) this.files.set(name, { type, body: readFileSync(join(dir, name)) });
    }
  }

  @Get()
  index(@Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    // The page's links are relative: /console must become /console/.
    if (!request.url.split('?')[0]!.endsWith('/')) {
      void reply.redirect(`${request.url.split('?')[0]}/`, 301);
      return;
    }
    this.send(reply, 'index.html');
  }

  @Get(':file')
  file(@Param('file') file: string, @Res() reply: FastifyReply): void {
    this.send(reply, file);
  }

  private send(reply: FastifyReply, name: string): void {
    const file = this.files.get(name);
    if (!file) throw new HttpException('Not Found', 404);
    void reply
      .header('content-type', file.type)
      .header('cache-control', 'no-cache')
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'")
      .send(file.body);
  }
}
