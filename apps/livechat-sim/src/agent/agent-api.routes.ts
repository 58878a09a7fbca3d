import type { IncomingMessage } from 'node:http';
import { ApiError, validation } from '../common/api-error';
import { isPlainObject, parseAuthorization, sendJson } from '../common/http-io.util';
import type { TokenService } from '../auth/token.service';
import type { ApiCall } from '../http/api-call.types';
import type { WebApiGate } from '../http/web-api.gate';
import type { ActionSource } from '../state/chat.types';
import type { AgentActionsService } from './agent-actions.service';

interface AgentCaller {
  accountId: string;
  scopes: string[];
  source: ActionSource;
}

type PatSettings = () => { accountId: string; token: string; scopes: string[] };

/** `chats--access:rw` reaches the requester's groups only; the sandbox's app account is in every group. */
const WRITE_SCOPES = ['chats--all:rw', 'chats--access:rw'];

/**
 * The Agent Chat API, as far as the bridge uses it: `transfer_chat` (a chat moved to another group
 * when its team changes). Other actions answer `not_found`, as before.
 */
export class AgentApiRoutes {
  constructor(
    private readonly pat: PatSettings,
    private readonly tokens: TokenService,
    private readonly gate: WebApiGate,
    private readonly actions: AgentActionsService,
  ) {}

  async handle(call: ApiCall): Promise<void> {
    try {
      const body = await this.gate.admit(call);
      const caller = this.authenticate(call.req);
      if (call.action !== 'transfer_chat') throw new ApiError('not_found', `Action ${call.action} is not simulated`);
      if (!WRITE_SCOPES.some((scope) => caller.scopes.includes(scope))) throw new ApiError('authorization', `Missing scope ${WRITE_SCOPES[0]}`);
      sendJson(call.res, 200, this.transfer(caller, body));
    } catch (error) {
      this.gate.fail(call.res, error);
    }
  }

  /** `{id, target?: {type: "group"|"agent", ids}, ignore_requester_presence?, ignore_agents_availability?}`; answers `{}`. */
  private transfer(caller: AgentCaller, body: Record<string, unknown>): Record<string, never> {
    const id = body.id;
    if (typeof id !== 'string' || id === '') throw validation('`id` is required');
    const flags = { ignoreRequesterPresence: flag(body, 'ignore_requester_presence'), ignoreAgentsAvailability: flag(body, 'ignore_agents_availability') };
    const target = body.target;
    if (target === undefined) {
      // No target: within the chat's current group.
      this.actions.transferToGroups(id, null, caller.accountId, flags, caller.source);
      return {};
    }
    if (!isPlainObject(target)) throw validation('`target` must be an object');
    const ids = target.ids;
    if (!Array.isArray(ids) || ids.length === 0) throw validation('`target.ids` must be a non-empty array');
    if (target.type === 'group') {
      if (!ids.every((g) => Number.isInteger(g) && (g as number) >= 0)) throw validation('`target.ids` must be group ids (integers) for type group');
      this.actions.transferToGroups(id, ids as number[], caller.accountId, flags, caller.source);
      return {};
    }
    if (target.type === 'agent') {
      if (ids.length !== 1 || typeof ids[0] !== 'string') throw validation('`target.ids` must hold one agent id for type agent');
      this.actions.transfer(id, ids[0], caller.accountId);
      return {};
    }
    throw validation('`target.type` must be "group" or "agent"');
  }

  /** A PAT as Basic `account_id:PAT`, or an agent's OAuth Bearer token; a customer token is refused. */
  private authenticate(req: IncomingMessage): AgentCaller {
    const credentials = parseAuthorization(req.headers.authorization);
    const pat = this.pat();
    if (credentials.kind === 'basic') {
      if (credentials.user !== pat.accountId || credentials.password !== pat.token) throw new ApiError('authentication');
      return { accountId: pat.accountId, scopes: pat.scopes, source: { kind: 'client', clientId: `pat:${pat.accountId}` } };
    }
    if (credentials.kind !== 'bearer') throw new ApiError('authentication');
    const check = this.tokens.checkAgent(credentials.token);
    if (!check.ok) throw new ApiError('authentication');
    return { accountId: check.token.accountId, scopes: check.token.scopes, source: { kind: 'client', clientId: check.token.clientId } };
  }
}

function flag(body: Record<string, unknown>, name: string): boolean {
  const value = body[name];
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw validation(`\`${name}\` must be a boolean`);
  return value;
}
