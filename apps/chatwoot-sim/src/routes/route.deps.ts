import type { ContactsService } from '../domain/contacts.service';
import type { ConversationsService } from '../domain/conversations.service';
import type { MessagesService } from '../domain/messages.service';
import type { SimStore } from '../state/sim.store';
import type { WebhookRegistry } from '../webhooks/webhook.registry';

/** What the API routes need; built once by the container. */
export interface RouteDeps {
  store: SimStore;
  contacts: ContactsService;
  conversations: ConversationsService;
  messages: MessagesService;
  webhooks: WebhookRegistry;
}
