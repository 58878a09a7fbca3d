import { unprocessable } from '../common/api-error';
import { toId } from '../common/params.util';
import type { RouteDef } from '../http/api.types';
import { contactApi, inboxApi } from '../views/people.view';
import { contactBody } from '../validation/bodies';
import { optionalId, optionalString } from '../validation/fields';
import type { RouteDeps } from './route.deps';

/** /contacts (app/controllers/api/v1/accounts/contacts_controller.rb and contacts/contact_inboxes_controller.rb). */
export function contactRoutes({ store, contacts }: RouteDeps): RouteDef[] {
  return [
    {
      method: 'POST',
      pattern: /^\/contacts$/,
      name: 'contacts.create',
      handle: ({ accountId, body }) => {
        const { contact, contactInbox } = contacts.create(accountId, contactBody(body));
        const inbox = contactInbox ? store.inboxes.get(contactInbox.inboxId) : undefined;
        return {
          body: {
            payload: {
              contact: contactApi(store, contact, true),
              contact_inbox: { inbox: inbox ? inboxApi(inbox) : null, source_id: contactInbox?.sourceId ?? null },
            },
          },
        };
      },
    },
    {
      method: 'GET',
      pattern: /^\/contacts\/search$/,
      name: 'contacts.search',
      handle: ({ accountId, query }) => {
        const q = query.get('q')?.trim();
        if (!q) throw unprocessable('Specify search string with parameter q');
        const page = toId(query.get('page') ?? '') ?? 1;
        const found = contacts.search(accountId, q, page);
        return { body: { meta: { count: found.length, current_page: page }, payload: found.map((c) => contactApi(store, c, true)) } };
      },
    },
    {
      method: 'GET',
      pattern: /^\/contacts\/([^/]+)$/,
      name: 'contacts.show',
      handle: ({ accountId, params }) => ({ body: { payload: contactApi(store, store.findContact(accountId, toId(params[0])), true) } }),
    },
    {
      method: 'POST',
      pattern: /^\/contacts\/([^/]+)\/contact_inboxes$/,
      name: 'contact_inboxes.create',
      handle: ({ accountId, params, body }) => {
        const ci = contacts.addContactInbox(accountId, toId(params[0]), optionalId(body, 'inbox_id'), optionalString(body, 'source_id'));
        return { body: { source_id: ci.sourceId, inbox: inboxApi(store.inboxes.get(ci.inboxId)!) } };
      },
    },
  ];
}
