import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { signHsJwt } from '../auth/hs-jwt.codec';
import { sendError, sendJson } from '../http/json-io.helper';
import type { WebClientApp } from '../sim.types';
import type { BotRegistry } from '../state/bot.registry';
import { CHAT_PAGE_CSP, CHAT_PAGE_HTML } from './chat-page.html';
import { CHAT_PAGE_SCRIPT } from './chat-page.script';

const DEMO_ASSERTION_SECONDS = 300;

/**
 * A real site mints the assertion on its own server with the web-client secret; the sandbox does it
 * here so a person can chat with no setup.
 */
export class ChatPageController {
  constructor(
    private readonly bots: BotRegistry,
    private readonly webClient: WebClientApp,
  ) {}

  handle(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
    if (req.method !== 'GET') return false;
    if (url.pathname === '/' || url.pathname === '/index.html') {
      this.text(res, 'text/html; charset=utf-8', CHAT_PAGE_HTML, { 'content-security-policy': CHAT_PAGE_CSP });
    } else if (url.pathname === '/chat.js') {
      this.text(res, 'text/javascript; charset=utf-8', CHAT_PAGE_SCRIPT);
    } else if (url.pathname === '/sim/demo-token') {
      this.demoToken(res, url);
    } else {
      return false;
    }
    return true;
  }

  private demoToken(res: ServerResponse, url: URL): void {
    const userId = url.searchParams.get('userId') || `u-demo-${randomBytes(4).toString('hex')}`;
    if (userId.length > 128) return sendError(res, 400, 'userId is too long');
    const botId = url.searchParams.get('botId');
    const bot = botId ? this.bots.get(botId) : this.bots.first();
    if (!bot) return sendError(res, 404, 'Bot not found');
    const now = Math.floor(Date.now() / 1000);
    const assertion = signHsJwt(
      { iss: this.webClient.clientId, sub: userId, isAnonymous: false, aud: 'https://idproxy.kore.com/authorize', iat: now, exp: now + DEMO_ASSERTION_SECONDS },
      this.webClient.clientSecret,
      'HS256',
    );
    sendJson(res, 200, { assertion, userId, botInfo: { chatBot: bot.botName, taskBotId: bot.botId } });
  }

  private text(res: ServerResponse, type: string, body: string, extra: Record<string, string> = {}): void {
    res.writeHead(200, {
      'content-type': type,
      'content-length': String(Buffer.byteLength(body)),
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      ...extra,
    });
    res.end(body);
  }
}
