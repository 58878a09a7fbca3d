import { toId } from '../common/params.util';
import { byUser } from '../domain/actor';
import { findConversations } from '../domain/conversation.finder';
import type { ApiContext, RouteDef } from '../http/api.types';
import type { SimConversation } from '../state/sim.types';
import { iso } from '../views/time.util';
import { conversationApi } from '../views/conversation.view';
import { agentApi, teamRecord } from '../views/people.view';
import { assignmentBody, conversationBody, customAttributesBody, toggleStatusBody, typingBody } from '../validation/bodies';
import type { RouteDeps } from './route.deps';

/** /conversations (ConversationsController, Conversations::AssignmentsController). */
export function conversationRoutes({ store, conversations }: RouteDeps): RouteDef[] {
  const find = (ctx: ApiContext): SimConversation => store.findConversation(ctx.accountId, toId(ctx.params[0]));
  const view = (ctx: ApiContext, c: SimConversation): unknown => conversationApi(store, c, ctx.user.id);
  return [
    {
      method: 'GET',
      pattern: /^\/conversations$/,
      name: 'conversations.index',
      handle: (ctx) => {
        const q = ctx.query;
        const list = findConversations(store, ctx.accountId, ctx.user, {
          status: q.get('status') ?? undefined,
          assigneeType: q.get('assignee_type') ?? undefined,
          inboxId: toId(q.get('inbox_id') ?? ''),
          teamId: toId(q.get('team_id') ?? ''),
          sourceId: q.get('source_id') ?? undefined,
          page: toId(q.get('page') ?? '') ?? 1,
        });
        return { body: { data: { meta: list.counts, payload: list.conversations.map((c) => view(ctx, c)) } } };
      },
    },
    {
      method: 'POST',
      pattern: /^\/conversations$/,
      name: 'conversations.create',
      handle: (ctx) => ({ body: view(ctx, conversations.create(ctx.accountId, conversationBody(ctx.body), byUser(ctx.user))) }),
    },
    {
      method: 'GET',
      pattern: /^\/conversations\/([^/]+)$/,
      name: 'conversations.show',
      handle: (ctx) => ({ body: view(ctx, find(ctx)) }),
    },
    {
      method: 'POST',
      pattern: /^\/conversations\/([^/]+)\/toggle_status$/,
      name: 'conversations.toggle_status',
      handle: (ctx) => {
        const c = find(ctx);
        const input = toggleStatusBody(ctx.body);
        conversations.toggleStatus(c, input.status, input.snoozedUntil, byUser(ctx.user));
        return { body: { meta: {}, payload: { success: true, conversation_id: c.displayId, current_status: c.status, snoozed_until: iso(c.snoozedUntil) } } };
      },
    },
    {
      method: 'POST',
      pattern: /^\/conversations\/([^/]+)\/toggle_typing_status$/,
      name: 'conversations.toggle_typing_status',
      handle: (ctx) => {
        const input = typingBody(ctx.body);
        conversations.typing(find(ctx), input.status, input.isPrivate, ctx.user);
        return { body: undefined };
      },
    },
    {
      method: 'POST',
      pattern: /^\/conversations\/([^/]+)\/custom_attributes$/,
      name: 'conversations.custom_attributes',
      handle: (ctx) => {
        const c = find(ctx);
        const input = customAttributesBody(ctx.body);
        conversations.setCustomAttributes(c, input.attributes, input.merge, byUser(ctx.user));
        return { body: { custom_attributes: c.customAttributes } };
      },
    },
    {
      method: 'POST',
      pattern: /^\/conversations\/([^/]+)\/assignments$/,
      name: 'assignments.create',
      handle: (ctx) => {
        const c = find(ctx);
        const input = assignmentBody(ctx.body);
        if (!input) return { body: null };
        if (input.kind === 'agent') {
          const agent = conversations.assignAgent(c, input.id, byUser(ctx.user));
          return { body: agent ? agentApi(agent, ctx.accountId) : null };
        }
        const team = conversations.assignTeam(c, input.id, byUser(ctx.user));
        return { body: team ? teamRecord(team) : null };
      },
    },
  ];
}
