import type { IncomingMessage } from 'node:http';
import { ApiError, validation } from '../common/api-error';
import { parseAuthorization, sendJson } from '../common/http-io.util';
import type { TokenService } from '../auth/token.service';
import type { ApiCall } from '../http/api-call.types';
import type { WebApiGate } from '../http/web-api.gate';
import type { CustomerStore } from '../state/customer.store';
import type { CustomerCaller } from './customer-caller.util';
import type { CustomerChatService } from './customer-chat.service';
import type { CustomerQueryService } from './customer-query.service';

type Handler = (caller: CustomerCaller, body: Record<string, unknown>) => Record<string, unknown>;

export class CustomerApiRoutes {
  private readonly handlers: Record<string, Handler>;

  constructor(
    private readonly organizationId: () => string,
    private readonly tokens: TokenService,
    private readonly customers: CustomerStore,
    private readonly gate: WebApiGate,
    chats: CustomerChatService,
    queries: CustomerQueryService,
  ) {
    this.handlers = {
      start_chat: (c, b) => chats.startChat(c, b),
      resume_chat: (c, b) => chats.resumeChat(c, b),
      send_event: (c, b) => chats.sendEvent(c, b),
      deactivate_chat: (c, b) => chats.deactivateChat(c, b),
      send_sneak_peek: (c, b) => chats.sendSneakPeek(c, b),
      mark_events_as_seen: (c, b) => chats.markEventsAsSeen(c, b),
      get_chat: (c, b) => queries.getChat(c, b),
      list_chats: (c, b) => queries.listChats(c, b),
      list_threads: (c, b) => queries.listThreads(c, b),
      get_customer: (c) => queries.getCustomer(c),
      update_customer: (c, b) => queries.updateCustomer(c, b),
      set_customer_session_fields: (c, b) => queries.setSessionFields(c, b),
      list_group_statuses: (_c, b) => queries.listGroupStatuses(b),
    };
  }

  async handle(call: ApiCall): Promise<void> {
    try {
      const body = await this.gate.admit(call);
      const organizationId = call.query.get('organization_id');
      if (!organizationId) throw validation('`organization_id` is required');
      // [unverified] An organization the service doesn't know is reported like an unknown licence.
      if (organizationId !== this.organizationId()) throw new ApiError('license_not_found');
      const caller = this.authenticate(call.req);
      // Own properties only: an action named like `__proto__` must not reach Object.prototype.
      const handler = Object.hasOwn(this.handlers, call.action) ? this.handlers[call.action] : undefined;
      if (!handler) throw new ApiError('not_found', `Action ${call.action} not found`);
      sendJson(call.res, 200, handler(caller, body));
    } catch (error) {
      this.gate.fail(call.res, error);
    }
  }

  /** Only customer tokens work here: a PAT (Basic) or an agent token fails as `authentication`. */
  private authenticate(req: IncomingMessage): CustomerCaller {
    const credentials = parseAuthorization(req.headers.authorization);
    if (credentials.kind !== 'bearer') throw new ApiError('authentication');
    const check = this.tokens.checkCustomer(credentials.token);
    if (!check.ok) throw new ApiError('authentication');
    const customer = this.customers.get(check.token.entityId);
    if (!customer || check.token.organizationId !== this.organizationId()) throw new ApiError('authentication');
    return { customer, clientId: check.token.clientId };
  }
}
