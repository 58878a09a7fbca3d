import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from '../common/api-error';
import { sendJson, sendText } from '../common/http-io.util';
// Type-only: the facade hands itself to these routes, no runtime cycle.
import type { ChatwootSim } from '../chatwoot-sim.facade';
import { AGENT_PAGE_HTML } from '../page/agent-page.html';
import type { Availability } from '../state/sim.types';
import { WEBHOOK_EVENTS } from '../webhooks/webhook.types';
import { conversationControl } from './control-conversation.routes';
import { type ControlBody, parseControlBody, requiredText } from './control.body';
import { faultControl } from './control-fault.routes';

const NOT_FOUND = Symbol('not-found');
const AVAILABILITIES: Availability[] = ['online', 'busy', 'offline'];

/** `/sim/*`, `/agent` and `/healthz`: unauthenticated, which is why the sandbox binds to loopback by default. */
export class ControlRoutes {
  constructor(private readonly sim: ChatwootSim) {}

  async handle(req: IncomingMessage, res: ServerResponse, url: URL, bodyText: string): Promise<boolean> {
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (path === '/agent' || path === '/') {
      sendText(res, 200, 'text/html; charset=utf-8', AGENT_PAGE_HTML);
      return true;
    }
    if (path === '/healthz') {
      sendJson(res, 200, { ok: true });
      return true;
    }
    if (!path.startsWith('/sim/')) return false;
    try {
      const result = this.route(req.method ?? 'GET', path.slice(5).split('/').map(decodeURIComponent), parseControlBody(bodyText), url);
      if (result === NOT_FOUND || result === undefined) sendJson(res, 404, { error: `No control route ${req.method} ${path}` });
      else sendJson(res, 200, result);
    } catch (error) {
      if (error instanceof ApiError) sendJson(res, error.status, error.body ?? { error: error.message });
      else sendJson(res, 500, { error: (error as Error).message });
    }
    return true;
  }

  private route(method: string, parts: string[], body: ControlBody, url: URL): unknown {
    const [head, rawId, verb] = parts;
    const id = rawId !== undefined && /^\d+$/.test(rawId) ? Number(rawId) : undefined;
    const sim = this.sim;
    if (method === 'GET' && head === 'state') return sim.state();
    if (method === 'GET' && head === 'settings') return sim.settings();
    if (head === 'conversations') return conversationControl(sim, method, id, verb, body);
    if (head === 'agents') {
      if (method === 'GET' && rawId === undefined) return sim.users();
      if (method === 'POST' && id !== undefined && verb === 'availability') {
        const status = requiredText(body, 'status') as Availability;
        if (!AVAILABILITIES.includes(status)) throw new ApiError(422, { error: '`status` must be online, busy or offline' });
        return sim.setAvailability(id, status);
      }
    }
    if (head === 'webhooks') {
      if (method === 'GET') return sim.webhooks();
      if (method === 'POST') {
        const subscriptions = Array.isArray(body.subscriptions) ? (body.subscriptions as string[]) : [...WEBHOOK_EVENTS];
        return sim.registerWebhook({ url: requiredText(body, 'url'), subscriptions, secret: typeof body.secret === 'string' ? body.secret : undefined });
      }
    }
    if (method === 'GET' && head === 'deliveries') {
      const event = url.searchParams.get('event');
      const limit = Math.max(1, Number(url.searchParams.get('limit') ?? 100) || 100);
      return sim.deliveries().filter((d) => !event || d.event === event).slice(-limit);
    }
    if (head === 'faults') return faultControl(sim, method, rawId, body) ?? NOT_FOUND;
    return NOT_FOUND;
  }
}
