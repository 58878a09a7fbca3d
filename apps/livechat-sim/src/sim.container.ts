import { AccountsRoutes } from './accounts/accounts.routes';
import { AgentActionsService } from './agent/agent-actions.service';
import { AgentApiRoutes } from './agent/agent-api.routes';
import { RouterService } from './agent/router.service';
import { TokenService } from './auth/token.service';
import { ChangeNotifier } from './common/change.notifier';
import { ErrorStatusMap } from './common/api-error';
import { ConfigurationRoutes } from './configuration/configuration.routes';
import { CustomerApiRoutes } from './customer/customer-api.routes';
import { CustomerChatService } from './customer/customer-chat.service';
import { CustomerQueryService } from './customer/customer-query.service';
import { FaultInjector } from './faults/fault-injector.service';
import { WebApiGate } from './http/web-api.gate';
import { VisitorChatRoutes } from './legacy/visitor-chat.routes';
import { VisitorChatService } from './legacy/visitor-chat.service';
import type { ResolvedOptions } from './sim.options';
import { AgentRegistry } from './state/agent.registry';
import { ChatCloser } from './state/chat-closer.service';
import { ChatHub } from './state/chat.hub';
import { ChatStore } from './state/chat.store';
import { ChatViewMapper } from './state/chat-view.mapper';
import { CustomerStore } from './state/customer.store';
import { WebhookDeliveryService } from './webhooks/webhook-delivery.service';
import { WebhookPublisher } from './webhooks/webhook.publisher';
import { WebhookRegistry } from './webhooks/webhook.registry';

/** Built once: services read live settings from the shared options object. */
export interface SimContainer {
  options: ResolvedOptions;
  notifier: ChangeNotifier;
  faults: FaultInjector;
  tokens: TokenService;
  customers: CustomerStore;
  agents: AgentRegistry;
  store: ChatStore;
  views: ChatViewMapper;
  registry: WebhookRegistry;
  delivery: WebhookDeliveryService;
  actions: AgentActionsService;
  router: RouterService;
  visitors: VisitorChatService;
  accountsRoutes: AccountsRoutes;
  customerRoutes: CustomerApiRoutes;
  configurationRoutes: ConfigurationRoutes;
  agentRoutes: AgentApiRoutes;
  visitorRoutes: VisitorChatRoutes;
}

export function buildContainer(options: ResolvedOptions): SimContainer {
  const notifier = new ChangeNotifier();
  const statuses = new ErrorStatusMap(options.errorStatuses);
  const faults = new FaultInjector();
  const tokens = new TokenService({
    ttlSeconds: options.tokenTtlSeconds,
    maxTokensPerClient: options.maxTokensPerClient,
    region: () => options.region,
  });
  const installation = { accountId: options.accountId, clientId: options.clientId, scopes: options.agentScopes };
  tokens.addRefreshToken(options.refreshToken, installation);
  tokens.addAuthorizationCode(options.authorizationCode, installation);

  const customers = new CustomerStore();
  const agents = new AgentRegistry(options.agents);
  const store = new ChatStore();
  const views = new ChatViewMapper(customers, agents);
  const registry = new WebhookRegistry(options.clientId);
  const delivery = new WebhookDeliveryService(options.webhooks, notifier, options.log);
  const publisher = new WebhookPublisher(() => options.organizationId, registry, delivery, views);
  const hub = new ChatHub(publisher, views, notifier);
  const closer = new ChatCloser(store, hub, views, customers);
  const actions = new AgentActionsService(store, agents, hub, closer, () => options.inactivitySeconds, () => options.groupIds);
  const router = new RouterService(store, agents, actions, options);
  const visitors = new VisitorChatService(store, customers, hub, closer, options);
  hub.attachLegacy(visitors);
  router.addTask(visitors);

  const gate = new WebApiGate(options, faults, statuses);
  const chatService = new CustomerChatService(store, agents, hub, closer, options);
  const queryService = new CustomerQueryService(store, customers, agents, views);
  return {
    options,
    notifier,
    faults,
    tokens,
    customers,
    agents,
    store,
    views,
    registry,
    delivery,
    actions,
    router,
    visitors,
    accountsRoutes: new AccountsRoutes(options, tokens, customers, faults),
    customerRoutes: new CustomerApiRoutes(() => options.organizationId, tokens, customers, gate, chatService, queryService),
    configurationRoutes: new ConfigurationRoutes(() => options.pat, tokens, registry, gate),
    agentRoutes: new AgentApiRoutes(() => options.pat, tokens, gate, actions),
    visitorRoutes: new VisitorChatRoutes(options, visitors, faults, statuses),
  };
}
