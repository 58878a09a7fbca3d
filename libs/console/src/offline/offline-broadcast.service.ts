import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { OfflineInbox, type OfflineChange } from '@agent-bridge/desk-port';
import { ConsoleEmitter } from '../desk/console-emitter.service';
import { SUPERVISORS_ROOM, agentRoom } from '../desk/console-events';
import { AgentTeamsRepository } from '../teams/agent-teams.repository';

/**
 * Pushes each change of the offline messages (one left, one marked handled) to whoever sees it: the
 * team's agents (agent_teams as it is now) and every supervisor and admin, through the Redis
 * emitter, so from a worker too. Pages refetch their list: the event names the change, not its text.
 */
@Injectable()
export class OfflineBroadcast implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(OfflineBroadcast.name);
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly inbox: OfflineInbox,
    private readonly memberships: AgentTeamsRepository,
    private readonly emitter: ConsoleEmitter,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.inbox.onChange((change) => {
      // A lost push costs a page its freshness until its next reload or reconnect, never data.
      this.push(change).catch((error: unknown) => this.logger.warn(`offline change ${change.id} not pushed: ${(error as Error).message}`));
    });
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  private async push(change: OfflineChange): Promise<void> {
    const members = change.teamId ? await this.memberships.members(change.teamId) : [];
    this.emitter.toRooms([...members.map(agentRoom), SUPERVISORS_ROOM], 'offline', change);
  }
}
