import { toId } from '../common/params.util';
import { byUser } from '../domain/actor';
import type { RouteDef } from '../http/api.types';
import { messageApi } from '../views/message.view';
import { agentApi, contactPush, teamApi, userPush } from '../views/people.view';
import { iso } from '../views/time.util';
import { messageBody } from '../validation/bodies';
import type { RouteDeps } from './route.deps';

/** /conversations/{id}/messages (Conversations::MessagesController, MessageFinder). */
export function messageRoutes({ store, messages }: RouteDeps): RouteDef[] {
  return [
    {
      method: 'GET',
      pattern: /^\/conversations\/([^/]+)\/messages$/,
      name: 'messages.index',
      handle: ({ accountId, params, query }) => {
        const c = store.findConversation(accountId, toId(params[0]));
        const list = messages.page(c, {
          before: toId(query.get('before') ?? ''),
          after: toId(query.get('after') ?? ''),
          publicOnly: !!query.get('filter_internal_messages'),
        });
        const assignee = store.users.get(c.assigneeId ?? -1);
        const meta: Record<string, unknown> = {
          labels: [],
          additional_attributes: c.additionalAttributes,
          contact: contactPush(store.contacts.get(c.contactId)!),
        };
        if (assignee) meta.assignee = userPush(assignee);
        meta.agent_last_seen_at = iso(c.agentLastSeenAt);
        meta.assignee_last_seen_at = iso(c.assigneeLastSeenAt);
        return { body: { meta, payload: list.map((m) => messageApi(store, m)) } };
      },
    },
    {
      method: 'POST',
      pattern: /^\/conversations\/([^/]+)\/messages$/,
      name: 'messages.create',
      handle: ({ accountId, params, body, user }) => {
        const c = store.findConversation(accountId, toId(params[0]));
        const message = messages.create(c, messageBody(body), byUser(user));
        return { body: messageApi(store, message) };
      },
    },
  ];
}

/** GET /teams, /agents, /inboxes: the directory a desk reads for routing. */
export function directoryRoutes({ store }: RouteDeps): RouteDef[] {
  return [
    {
      method: 'GET',
      pattern: /^\/agents$/,
      name: 'agents.index',
      handle: ({ accountId }) => ({ body: [...store.users.values()].filter((u) => u.accountIds.includes(accountId)).map((u) => agentApi(u, accountId)) }),
    },
    {
      method: 'GET',
      pattern: /^\/teams$/,
      name: 'teams.index',
      handle: ({ accountId, user }) => ({
        body: [...store.teams.values()].filter((t) => t.accountId === accountId).map((t) => teamApi(t, user.id)),
      }),
    },
  ];
}
