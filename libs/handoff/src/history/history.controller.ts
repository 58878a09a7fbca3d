import { Controller, Get, Header, HttpException, Param } from '@nestjs/common';
import { BotkitClient, type PlatformHistoryMessage } from '@agent-bridge/botkit';
import { ConversationRepository } from '../conversations/conversation.repository';
import { HistoryLinkService } from './history-link.service';
import { renderHistoryPage } from './history-page';

/**
 * The page an agent opens from the hand-off: the user's history with the bot, read from the
 * platform (`getMessages`) with the session's newest request context. The signed token is the
 * authentication: agents on a third-party desk have no account with us.
 */
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
  @Header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
  @Header('referrer-policy', 'no-referrer')
  async page(@Param('token') token: string): Promise<string> {
    const grant = this.links.verify(token);
    if (!grant) throw new HttpException('This link is invalid or has expired.', 403);
    const conversation = await this.conversations.findById(grant.conversationId);
    if (!conversation) throw new HttpException('This conversation no longer exists.', 404);
    const payload = conversation.latestPayload;
    const userId = payload.channel?.channelInfos?.from ?? payload.channel?.from ?? conversation.visitorKey;
    let messages: PlatformHistoryMessage[];
    try {
      messages = (await this.botkit.getMessages(payload, { limit: 100, userId }, { attempts: 2 })).messages;
    } catch {
      throw new HttpException('The bot platform did not return the history; try again in a moment.', 502);
    }
    return renderHistoryPage({ userName: conversation.userName ?? conversation.visitorKey, messages });
  }
}
