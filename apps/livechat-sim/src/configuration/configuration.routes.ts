import type { IncomingMessage } from 'node:http';
import { ApiError, validation } from '../common/api-error';
import { parseAuthorization, sendJson } from '../common/http-io.util';
import type { TokenService } from '../auth/token.service';
import type { ApiCall } from '../http/api-call.types';
import type { WebApiGate } from '../http/web-api.gate';
import type { WebhookRegistry } from '../webhooks/webhook.registry';
import { requiredString, webhookNames, webhookRegistration } from './webhook-request.validator';

interface ConfigCaller {
  kind: 'pat' | 'oauth';
  scopes: string[];
  /** OAuth tokens belong to a client; a PAT does not, so it must name `owner_client_id`. */
  clientId?: string;
}

type PatSettings = () => { accountId: string; token: string; scopes: string[] };

const CONFIGURATION_SCOPE = 'webhooks.configuration:rw';
const STATE_SCOPE = 'webhooks.state:rw';

export class ConfigurationRoutes {
  constructor(
    private readonly pat: PatSettings,
    private readonly tokens: TokenService,
    private readonly registry: WebhookRegistry,
    private readonly gate: WebApiGate,
  ) {}

  async handle(call: ApiCall): Promise<void> {
    try {
      const body = await this.gate.admit(call);
      sendJson(call.res, 200, this.run(call, body));
    } catch (error) {
      this.gate.fail(call.res, error);
    }
  }

  private run(call: ApiCall, body: Record<string, unknown>): unknown {
    if (call.action === 'list_webhook_names') return webhookNames();
    const caller = this.authenticate(call.req);
    switch (call.action) {
      case 'register_webhook':
        this.requireScope(caller, CONFIGURATION_SCOPE);
        return { id: this.registry.register(webhookRegistration(body, this.owner(caller, body))).id };
      case 'list_webhooks':
        this.requireScope(caller, CONFIGURATION_SCOPE);
        return this.registry.list(this.owner(caller, body));
      case 'unregister_webhook':
        this.requireScope(caller, CONFIGURATION_SCOPE);
        this.registry.unregister(requiredString(body, 'id'), this.owner(caller, body));
        return {};
      case 'enable_license_webhooks':
      case 'disable_license_webhooks':
        this.requireScope(caller, STATE_SCOPE);
        this.registry.setEnabled(this.owner(caller, body), call.action === 'enable_license_webhooks');
        return {};
      case 'get_license_webhooks_state':
        this.requireScope(caller, STATE_SCOPE, 'webhooks.state:ro');
        return { license_webhooks_enabled: this.registry.isEnabled(this.owner(caller, body)) };
      default:
        throw new ApiError('not_found', `Action ${call.action} not found`);
    }
  }

  /**
   * A PAT only works as Basic `account_id:PAT`; sent as Bearer it is just an unknown token, the common
   * mistake LiveChat's docs warn about. Customer tokens are not agent tokens either.
   */
  private authenticate(req: IncomingMessage): ConfigCaller {
    const credentials = parseAuthorization(req.headers.authorization);
    const pat = this.pat();
    if (credentials.kind === 'basic') {
      if (credentials.user !== pat.accountId || credentials.password !== pat.token) throw new ApiError('authentication');
      return { kind: 'pat', scopes: pat.scopes };
    }
    if (credentials.kind !== 'bearer') throw new ApiError('authentication');
    const check = this.tokens.checkAgent(credentials.token);
    if (!check.ok) throw new ApiError('authentication');
    return { kind: 'oauth', scopes: check.token.scopes, clientId: check.token.clientId };
  }

  private requireScope(caller: ConfigCaller, ...accepted: string[]): void {
    if (!accepted.some((scope) => caller.scopes.includes(scope))) {
      throw new ApiError('authorization', `Missing scope ${accepted[0]}`);
    }
  }

  private owner(caller: ConfigCaller, body: Record<string, unknown>): string {
    const given = body.owner_client_id;
    if (given !== undefined && (typeof given !== 'string' || given.length === 0)) throw validation('`owner_client_id` must be a string');
    if (caller.kind === 'pat') {
      if (given === undefined) throw validation('`owner_client_id` is required');
      return given as string;
    }
    if (given !== undefined && given !== caller.clientId) throw new ApiError('authorization', 'Cannot manage webhooks of another client');
    return caller.clientId!;
  }
}
