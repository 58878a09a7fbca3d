import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InstanceRegistry } from '@agent-bridge/persistence';
import { AgentGraceService } from './agent-grace.service';
import { PresenceService } from './presence.service';

/** Agents of a dead instance left with no live socket get the same grace period as a disconnect. */
@Injectable()
export class PresenceReaper implements OnModuleInit {
  private readonly logger = new Logger(PresenceReaper.name);

  constructor(
    private readonly registry: InstanceRegistry,
    private readonly presence: PresenceService,
    private readonly grace: AgentGraceService,
  ) {}

  onModuleInit(): void {
    this.registry.onRelease((instanceId) => this.release(instanceId));
  }

  /** Idempotent: a release cut short (a crash, Redis away) runs again from the start. */
  async release(instanceId: string): Promise<void> {
    const agents = await this.presence.release(instanceId);
    const live = await this.presence.liveInstances();
    let gone = 0;
    for (const agentId of agents) {
      if ((await this.presence.socketCount(agentId, live)) > 0) continue;
      await this.grace.start(agentId);
      gone++;
    }
    await this.presence.forget(instanceId);
    if (agents.length) this.logger.warn(`released the console sockets of ${agents.length} agent(s) of instance ${instanceId}; ${gone} in their grace period`);
  }
}
