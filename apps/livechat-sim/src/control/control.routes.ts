import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, ErrorStatusMap } from '../common/api-error';
import { isPlainObject, parseJson, sendJson, sendText } from '../common/http-io.util';
// Type-only: the facade hands itself to these routes, no runtime cycle.
import type { LiveChatSim } from '../livechat-sim.facade';
import { AGENT_PAGE_HTML } from '../page/agent-page.html';
import { chatRoute, type Body } from './control-chat.routes';
import { faultRoute } from './control-fault.routes';

const statuses = new ErrorStatusMap();

/** Bound to loopback by default and unauthenticated: a sandbox tool. */
export class ControlRoutes {
  constructor(private readonly sim: LiveChatSim) {}

  async handle(req: IncomingMessage, res: ServerResponse, url: URL, bodyText: string): Promise<boolean> {
    const path = url.pathname;
    if (path === '/agent' || path === '/agent/') {
      sendText(res, 200, 'text/html; charset=utf-8', AGENT_PAGE_HTML);
      return true;
    }
    if (path === '/healthz') {
      sendJson(res, 200, { ok: true });
      return true;
    }
    if (!path.startsWith('/sim/')) return false;
    try {
      const body = parseBody(bodyText);
      const result = await this.route(req.method ?? 'GET', path.slice(5).split('/').map(decodeURIComponent), body, url);
      if (result === NOT_FOUND) sendJson(res, 404, new ApiError('not_found', `No control route ${req.method} ${path}`).body());
      else sendJson(res, 200, result ?? { ok: true });
    } catch (error) {
      const apiError = error instanceof ApiError ? error : new ApiError('internal', (error as Error).message);
      sendJson(res, statuses.statusOf(apiError), apiError.body());
    }
    return true;
  }

  private async route(method: string, parts: string[], body: Body, url: URL): Promise<unknown> {
    const [head, id, verb] = parts;
    const sim = this.sim;
    if (method === 'GET' && head === 'state') return sim.state();
    if (head === 'chats') return chatRoute(sim, method, id, verb, body) ?? NOT_FOUND;
    if (head === 'agents') {
      if (method === 'GET' && !id) return sim.agents();
      if (method === 'POST' && id === 'online') {
        sim.setAgentsOnline(body.online !== false, stringList(body.agentIds));
        return sim.agents();
      }
    }
    if (head === 'webhooks') {
      if (method === 'GET') return sim.webhooks();
      if (method === 'POST') return this.registerWebhooks(body);
    }
    if (method === 'GET' && head === 'deliveries') {
      const action = url.searchParams.get('action');
      const limit = Number(url.searchParams.get('limit') ?? 100);
      const all = sim.webhookDeliveries().filter((d) => !action || d.action === action);
      return all.slice(-Math.max(1, limit));
    }
    if (head === 'faults') return (await faultRoute(sim, method, id, body)) ?? NOT_FOUND;
    if (method === 'POST' && head === 'tokens' && id === 'expire') return { expired: sim.expireTokens(kind(body.kind)) };
    if (method === 'POST' && head === 'oauth' && id === 'code') return { code: sim.issueAuthorizationCode() };
    if (method === 'POST' && head === 'settings') {
      sim.updateSettings(body as Parameters<LiveChatSim['updateSettings']>[0]);
      return { ok: true };
    }
    return NOT_FOUND;
  }

  /** `{url, secretKey, action | actions[], ownerClientId?, filters?, additionalData?}` */
  private registerWebhooks(body: Body): unknown {
    const actions = stringList(body.actions) ?? (typeof body.action === 'string' ? [body.action] : []);
    if (actions.length === 0) throw new ApiError('validation', '`action` or `actions` is required');
    return actions.map((action) =>
      this.sim.registerWebhook({
        url: String(body.url ?? ''),
        action,
        secretKey: String(body.secretKey ?? ''),
        ownerClientId: typeof body.ownerClientId === 'string' ? body.ownerClientId : undefined,
        filters: isPlainObject(body.filters) ? body.filters : undefined,
        additionalData: stringList(body.additionalData),
      }),
    );
  }
}

const NOT_FOUND = Symbol('not-found');

function parseBody(text: string): Body {
  if (text.trim() === '') return {};
  const parsed = parseJson(text);
  if (!parsed.ok || !isPlainObject(parsed.value)) throw new ApiError('validation', 'control body must be a JSON object');
  return parsed.value;
}

export function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as string[]) : undefined;
}

function kind(value: unknown): 'agent' | 'customer' | 'all' {
  return value === 'agent' || value === 'customer' ? value : 'all';
}
