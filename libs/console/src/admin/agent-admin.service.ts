import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@agent-bridge/config';
import { DeskEvents, DeskSessions } from '@agent-bridge/desk-port';
import { AgentRepository, type AccountChange, type Agent, type AgentAccount, type AgentRole } from '../agents/agent.repository';
import { newInvite, inviteUrl } from '../auth/invite-token';
import { hashPassword } from '../auth/password';
import { ConsoleEmitter } from '../desk/console-emitter.service';
import { CONSOLE_PROVIDER } from '../desk/console-events';
import { ConsoleProvider } from '../desk/console.provider';
import { PresenceService } from '../presence/presence.service';

export interface InviteLink {
  url: string;
  expiresAt: string;
}

export type AdminFailure = 'not_found' | 'last_admin' | 'email_taken' | 'deactivated';

/** Logs ids only: never an email, a password or a link. */
@Injectable()
export class AgentAdminService {
  private readonly logger = new Logger(AgentAdminService.name);

  constructor(
    private readonly agents: AgentRepository,
    private readonly conversations: DeskSessions,
    private readonly desk: DeskEvents,
    private readonly presence: PresenceService,
    private readonly emitter: ConsoleEmitter,
    private readonly provider: ConsoleProvider,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** With no password, the account gets a set-password link instead. */
  async create(
    admin: Agent,
    input: { email: string; name: string; role: AgentRole; maxChats: number; password?: string },
  ): Promise<{ agent: AgentAccount; invite: InviteLink | null } | AdminFailure> {
    const invite = input.password === undefined ? newInvite() : null;
    const agent = await this.agents.createAccount({
      ...input,
      passwordHash: await hashPassword(input.password ?? unusablePassword()),
      invite: invite && { tokenHash: invite.tokenHash, expiresAt: invite.expiresAt },
    });
    if (!agent) return 'email_taken';
    this.logger.log(`admin ${admin.id} created ${agent.role} ${agent.id}${invite ? ' with a set-password link' : ''}`);
    return { agent, invite: invite && this.link(invite) };
  }

  /** Their open consoles reconnect, so a new name, role or limit holds from the next message. */
  async update(admin: Agent, id: string, change: { name?: string; role?: AgentRole; maxChats?: number }): Promise<AgentAccount | AdminFailure> {
    const agent = await this.agents.changeAccount(id, change);
    if (typeof agent === 'string') return agent;
    this.emitter.disconnectAgent(id);
    if (change.maxChats !== undefined) await this.provider.route('agent limit changed');
    this.logger.log(`admin ${admin.id} changed agent ${id}`);
    return agent;
  }

  /**
   * Signed out everywhere at once (their token's epoch is gone, so their console cannot come back)
   * and their chats go back to the queue. A chat they accepted in the instant before their socket
   * closed is re-queued by the disconnect grace period, which finds no socket of theirs.
   */
  async deactivate(admin: Agent, id: string): Promise<{ agent: AgentAccount; requeued: number } | AdminFailure> {
    const agent = await this.agents.changeAccount(id, { disabled: true, invite: null });
    if (typeof agent === 'string') return agent;
    this.emitter.disconnectAgent(id);
    await this.presence.set(id, 'offline');
    let requeued = 0;
    for (const conversation of await this.conversations.assignedTo(CONSOLE_PROVIDER, id)) {
      if (await this.desk.requeue(conversation, `admin:${admin.id}`)) requeued++;
    }
    await this.provider.route('agent deactivated');
    this.logger.log(`admin ${admin.id} deactivated agent ${id}; ${requeued} chat(s) re-queued`);
    return { agent, requeued };
  }

  async reactivate(admin: Agent, id: string): Promise<AgentAccount | AdminFailure> {
    const agent = await this.agents.changeAccount(id, { disabled: false });
    if (typeof agent === 'string') return agent;
    this.logger.log(`admin ${admin.id} reactivated agent ${id}`);
    return agent;
  }

  /** The old password stops working and every session ends; the link sets a new one. */
  async resetPassword(admin: Agent, id: string): Promise<{ agent: AgentAccount; invite: InviteLink } | AdminFailure> {
    const current = await this.agents.account(id);
    if (!current) return 'not_found';
    if (current.disabled) return 'deactivated';
    const invite = newInvite();
    const change: AccountChange = {
      passwordHash: await hashPassword(unusablePassword()),
      invite: { tokenHash: invite.tokenHash, expiresAt: invite.expiresAt },
      endSessions: true,
    };
    const agent = await this.agents.changeAccount(id, change);
    if (typeof agent === 'string') return agent;
    this.emitter.disconnectAgent(id);
    this.logger.log(`admin ${admin.id} reset the password of agent ${id}`);
    return { agent, invite: this.link(invite) };
  }

  private link(invite: { token: string; expiresAt: Date }): InviteLink {
    return { url: inviteUrl(this.config.publicUrl, invite.token), expiresAt: invite.expiresAt.toISOString() };
  }
}

/** Nobody knows it: an invited account cannot be signed in to until its link is used. */
function unusablePassword(): string {
  return randomBytes(32).toString('base64url');
}
