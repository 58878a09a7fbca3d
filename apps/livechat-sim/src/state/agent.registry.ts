import type { SimAgentConfig } from '../sim.options';
import type { SimAgent } from './chat.types';

export class AgentRegistry {
  private readonly agents = new Map<string, SimAgent>();

  constructor(configs: SimAgentConfig[]) {
    for (const config of configs) {
      this.agents.set(config.id, {
        id: config.id,
        name: config.name,
        online: config.online ?? true,
        jobTitle: config.jobTitle,
        avatar: config.avatar,
      });
    }
  }

  list(): SimAgent[] {
    return [...this.agents.values()];
  }

  get(id: string): SimAgent | undefined {
    return this.agents.get(id);
  }

  anyOnline(): boolean {
    for (const agent of this.agents.values()) if (agent.online) return true;
    return false;
  }

  firstOnline(): SimAgent | undefined {
    for (const agent of this.agents.values()) if (agent.online) return agent;
    return undefined;
  }

  /** Returns the agents whose state changed. */
  setOnline(online: boolean, ids?: string[]): SimAgent[] {
    const changed: SimAgent[] = [];
    for (const agent of this.agents.values()) {
      if (ids && !ids.includes(agent.id)) continue;
      if (agent.online !== online) {
        agent.online = online;
        changed.push(agent);
      }
    }
    return changed;
  }
}
