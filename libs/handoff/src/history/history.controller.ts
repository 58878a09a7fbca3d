import { Controller, Get, Header, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { BotkitClient, type PlatformHistoryMessage } from '@agent-bridge/botkit';
import { ConversationRepository } from '../conversations/conversation.repository';
import { HistoryLinkService } from './history-link.service';
import { historyLines, oldestAt } from './history-lines';
import { HISTORY_PAGE_CSP, renderHistoryPage, renderNoticePage } from './history-page';

/** Far more than the platform's 100 newest messages can hold. */
const RELAYED_LIMIT = 1000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The signed token is the authentication: agents on a third-party desk have no account with us. */
@Controller('history')
export class HistoryController {
  constructor(
    private readonly links: HistoryLinkService,
    private readonly conversations: ConversationRepository,
    private readonly botkit: BotkitClient,
  ) {}

  @Get(':token')
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  @Header('content-security-policy', HISTORY_PAGE_CSP)
  @Header('referrer-policy', 'no-referrer')
  async page(@Param('token') token: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    // People open this page: errors are pages too, not JSON.
    const fail = (status: number, text: string): string => {
      reply.status(status);
      return renderNoticePage(text);
    };
    const grant = this.links.verify(token);
    if (!grant) return fail(403, 'This link is invalid or has expired.');
    // Signed but no id we could have issued: nothing to find, and Postgres would refuse it.
    if (!UUID.test(grant.conversationId)) return fail(404, 'This conversation no longer exists.');
    const conversation = await this.conversations.findById(grant.conversationId);
    if (!conversation) return fail(404, 'This conversation no longer exists.');
    const payload = conversation.latestPayload;
    const userId = payload.channel?.channelInfos?.from ?? payload.channel?.from ?? conversation.visitorKey;
    let messages: PlatformHistoryMessage[];
    try {
      messages = (await this.botkit.getMessages(payload, { limit: 100, userId }, { attempts: 2 })).messages;
    } catch {
      return fail(502, 'The bot platform did not return the history; try again in a moment.');
    }
    // Agents' and our own lines are "outgoing" on the platform, like the bot's: our transcript says who wrote them.
    const since = oldestAt(messages);
    const relayed = since ? await this.conversations.relayedToUser(conversation.botId, conversation.visitorKey, since, RELAYED_LIMIT) : [];
    return renderHistoryPage({ userName: conversation.userName ?? conversation.visitorKey, lines: historyLines(messages, relayed) });
  }
}
