import type { ResolvedOptions } from '../sim.options';
import type { SimStore } from './sim.store';

/**
 * The account, its API inbox, users with tokens and teams. A second account that no user belongs
 * to makes "not a member" (401) distinguishable from "no such account" (404).
 */
export function seed(store: SimStore, o: ResolvedOptions): void {
  const now = new Date();
  store.accounts.set(o.accountId, { id: o.accountId, name: o.accountName });
  const otherId = o.accountId + 1;
  store.accounts.set(otherId, { id: otherId, name: 'Another Account' });
  const adminId = o.agents.find((a) => a.role === 'administrator')?.id;
  for (const agent of o.agents) {
    store.users.set(agent.id, {
      id: agent.id,
      name: agent.name,
      email: agent.email,
      role: agent.role ?? 'agent',
      availability: 'online',
      accessToken: agent.id === adminId ? o.apiToken : (agent.accessToken ?? `sandbox-token-user-${agent.id}`),
      accountIds: [o.accountId],
    });
  }
  store.inboxes.set(o.inboxId, {
    id: o.inboxId,
    accountId: o.accountId,
    channelId: 1,
    name: o.inboxName,
    channelType: 'Channel::Api',
    enableAutoAssignment: o.autoAssign,
    memberIds: o.agents.filter((a) => (a.role ?? 'agent') === 'agent').map((a) => a.id),
  });
  for (const team of o.teams) {
    store.teams.set(team.id, {
      id: team.id,
      accountId: o.accountId,
      name: team.name.toLowerCase(),
      description: '',
      allowAutoAssign: team.allowAutoAssign ?? true,
      memberIds: [...team.memberIds],
      createdAt: now,
      updatedAt: now,
    });
  }
}
