import { ChangeNotifier } from './common/change.notifier';
import { AssigneePicker } from './domain/assignee.picker';
import { ContactsService } from './domain/contacts.service';
import { ConversationChanges } from './domain/conversation.changes';
import { ConversationsService } from './domain/conversations.service';
import { MessageLog } from './domain/message.log';
import { MessagesService } from './domain/messages.service';
import { FaultInjector } from './faults/fault-injector';
import { ApiGate } from './http/api.gate';
import { ApiRouter } from './http/api.router';
import { contactRoutes } from './routes/contacts.routes';
import { conversationRoutes } from './routes/conversations.routes';
import { directoryRoutes, messageRoutes } from './routes/messages.routes';
import type { RouteDeps } from './routes/route.deps';
import { webhookRoutes } from './routes/webhooks.routes';
import type { ResolvedOptions } from './sim.options';
import { seed } from './state/seed';
import { SimStore } from './state/sim.store';
import { WebhookDeliveryService } from './webhooks/webhook-delivery.service';
import { WebhookPublisher } from './webhooks/webhook.publisher';
import { WebhookRegistry } from './webhooks/webhook.registry';

/** Everything the facade and the routes share, built once per sandbox. */
export interface SimContainer {
  options: ResolvedOptions;
  notifier: ChangeNotifier;
  store: SimStore;
  faults: FaultInjector;
  registry: WebhookRegistry;
  delivery: WebhookDeliveryService;
  contacts: ContactsService;
  conversations: ConversationsService;
  messages: MessagesService;
  api: ApiRouter;
}

export function buildContainer(options: ResolvedOptions): SimContainer {
  const notifier = new ChangeNotifier();
  const store = new SimStore();
  seed(store, options);
  const faults = new FaultInjector();
  const registry = new WebhookRegistry(store, options);
  const delivery = new WebhookDeliveryService(
    { timeoutMs: options.webhookTimeoutMs, retryDelaysMs: options.webhookRetryDelaysMs, logLimit: options.deliveryLogLimit },
    notifier,
    options.log,
  );
  const publisher = new WebhookPublisher(store, registry, delivery);
  const log = new MessageLog(store, notifier);
  const picker = new AssigneePicker(store);
  const changes = new ConversationChanges(store, publisher, log, picker);
  const messages = new MessagesService(store, log, changes, publisher);
  const contacts = new ContactsService(store, publisher);
  const conversations = new ConversationsService(store, contacts, changes, messages, publisher, picker);
  const deps: RouteDeps = { store, contacts, conversations, messages, webhooks: registry };
  const routes = [...contactRoutes(deps), ...conversationRoutes(deps), ...messageRoutes(deps), ...directoryRoutes(deps), ...webhookRoutes(deps)];
  const api = new ApiRouter(routes, new ApiGate(store, faults), options.log);
  return { options, notifier, store, faults, registry, delivery, contacts, conversations, messages, api };
}
