import { toId } from '../common/params.util';
import type { RouteDef } from '../http/api.types';
import { inboxApi } from '../views/people.view';
import { WebhookRegistry, webhookApi } from '../webhooks/webhook.registry';
import type { RouteDeps } from './route.deps';

/** /webhooks (WebhooksController) and GET /inboxes. */
export function webhookRoutes({ store, webhooks }: RouteDeps): RouteDef[] {
  return [
    {
      method: 'GET',
      pattern: /^\/webhooks$/,
      name: 'webhooks.index',
      handle: ({ accountId }) => ({ body: { payload: { webhooks: webhooks.list(accountId).map((w) => webhookApi(store, w)) } } }),
    },
    {
      method: 'POST',
      pattern: /^\/webhooks$/,
      name: 'webhooks.create',
      handle: ({ accountId, body }) => ({ body: { payload: { webhook: webhookApi(store, webhooks.create(accountId, WebhookRegistry.inputOf(body))) } } }),
    },
    {
      method: ['PATCH', 'PUT'],
      pattern: /^\/webhooks\/([^/]+)$/,
      name: 'webhooks.update',
      handle: ({ accountId, params, body }) => ({
        body: { payload: { webhook: webhookApi(store, webhooks.update(accountId, toId(params[0]), WebhookRegistry.inputOf(body))) } },
      }),
    },
    {
      method: 'DELETE',
      pattern: /^\/webhooks\/([^/]+)$/,
      name: 'webhooks.destroy',
      handle: ({ accountId, params }) => {
        webhooks.remove(accountId, toId(params[0]));
        return { body: undefined };
      },
    },
    {
      method: 'GET',
      pattern: /^\/inboxes$/,
      name: 'inboxes.index',
      handle: ({ accountId }) => ({ body: { payload: [...store.inboxes.values()].filter((i) => i.accountId === accountId).map(inboxApi) } }),
    },
  ];
}
