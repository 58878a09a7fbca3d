import type { ResolvedOptions } from '../sim.options';
import type { AgentRegistry } from '../state/agent.registry';
import type { ChatStore } from '../state/chat.store';
import type { SimAgent } from '../state/chat.types';
import type { AgentActionsService } from './agent-actions.service';

/** Something else that needs the router's clock (the v2 keep-alive). */
export interface SweepTask {
  sweep(now: number): void;
}

type RouterSettings = Pick<ResolvedOptions, 'inactivitySeconds' | 'idleSeconds' | 'archiveWhenAgentsOffline' | 'v2KeepAliveSeconds'>;

/** One sweep over the active chats, not a timer per chat: re-arming one on every benchmark message costs more. */
export class RouterService {
  private timer: NodeJS.Timeout | undefined;
  private readonly tasks: SweepTask[] = [];

  constructor(
    private readonly store: ChatStore,
    private readonly agents: AgentRegistry,
    private readonly actions: AgentActionsService,
    private readonly settings: RouterSettings,
  ) {}

  addTask(task: SweepTask): void {
    this.tasks.push(task);
  }

  start(): void {
    this.stop();
    const periods = [this.settings.inactivitySeconds, this.settings.idleSeconds, this.settings.v2KeepAliveSeconds].filter((s) => s > 0);
    if (periods.length === 0) return;
    // A tenth of the shortest period keeps the timers accurate to about 10 %, within [20 ms, 1 s].
    const interval = Math.min(1000, Math.max(20, (Math.min(...periods) * 1000) / 10));
    this.timer = setInterval(() => this.tick(), interval);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  tick(now = Date.now()): void {
    const inactiveMs = this.settings.inactivitySeconds * 1000;
    const idleMs = this.settings.idleSeconds * 1000;
    if (inactiveMs > 0 || idleMs > 0) {
      const toArchive: string[] = [];
      const toIdle: string[] = [];
      for (const id of this.store.active) {
        const chat = this.store.get(id);
        if (!chat) continue;
        const quiet = now - chat.lastActivityAt;
        if (inactiveMs > 0 && quiet >= inactiveMs) toArchive.push(id);
        else if (idleMs > 0 && !chat.idleNotified && quiet >= idleMs) toIdle.push(id);
      }
      for (const id of toIdle) this.actions.markIdle(id, this.settings.idleSeconds);
      for (const id of toArchive) this.actions.archiveInactive(id);
    }
    for (const task of this.tasks) task.sweep(now);
  }

  /**
   * With nobody left online, queued chats are archived (`routing.archived_offline`) and chats whose
   * agents all left are closed (`routing.archived_signed_out`). Continuous chats wait for an agent.
   */
  agentsWentOffline(changed: SimAgent[]): void {
    if (!this.settings.archiveWhenAgentsOffline || changed.length === 0 || this.agents.anyOnline()) return;
    for (const id of [...this.store.active]) {
      const chat = this.store.get(id);
      if (!chat || chat.continuous) continue;
      if (chat.agentIds.length === 0) this.actions.archiveOffline(id);
      else this.actions.archiveSignedOut(id, chat.agentIds[0]!);
    }
  }
}
