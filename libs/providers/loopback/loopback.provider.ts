import { Injectable } from '@nestjs/common';
import { LoopbackDeskService } from './loopback-desk.service';
import { Desk, type HandoffProvider, type OpenChatRequest, type OpenedChat, type ProviderChat, ProviderError, ProviderErrorCode, type UserActivity } from '@agent-bridge/desk-port';

@Injectable()
@Desk()
export class LoopbackProvider implements HandoffProvider {
  readonly name = 'loopback';

  constructor(private readonly desk: LoopbackDeskService) {}

  async openChat(request: OpenChatRequest): Promise<OpenedChat> {
    if ((await this.desk.faults()).noAgents) throw new ProviderError(ProviderErrorCode.NoAgents, 'no agent is online');
    const chat = await this.desk.open(request);
    return { ref: chat.ref };
  }

  async sendUserMessage(chat: ProviderChat, message: { messageId: string; text: string }): Promise<void> {
    await this.ensureOpen(chat);
    if (await this.desk.takeFault('rejectMessages')) throw new ProviderError(ProviderErrorCode.Rejected, 'message refused');
    if (await this.desk.takeFault('failMessages')) throw new ProviderError(ProviderErrorCode.Unavailable, 'desk unavailable');
    await this.desk.record(chat.ref, { kind: 'message', ...message, at: new Date().toISOString() });
  }

  async sendUserActivity(chat: ProviderChat, activity: UserActivity): Promise<void> {
    await this.desk.record(chat.ref, { kind: 'activity', activity, at: new Date().toISOString() });
  }

  async sendSystemNotice(chat: ProviderChat, text: string): Promise<void> {
    await this.desk.record(chat.ref, { kind: 'notice', text, at: new Date().toISOString() });
  }

  async teamChanged(chat: ProviderChat, team: OpenChatRequest['team']): Promise<void> {
    await this.desk.record(chat.ref, { kind: 'team', team, at: new Date().toISOString() });
  }

  async closeChat(chat: ProviderChat, reason: string): Promise<void> {
    await this.desk.markClosed(chat.ref, reason);
  }

  private async ensureOpen(chat: ProviderChat): Promise<void> {
    const state = await this.desk.chat(chat.ref);
    if (!state || state.closed) throw new ProviderError(ProviderErrorCode.ChatClosed, 'chat is closed');
  }
}
