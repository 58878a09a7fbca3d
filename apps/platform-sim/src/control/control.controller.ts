import type { IncomingMessage, ServerResponse } from 'node:http';
import { isPlainObject, parseJson, queryOf, readBody, sendError, sendJson } from '../http/json-io.helper';
import type { CallFilter, ClientEventType, RecordedCall } from '../sim.types';

export interface ControlTarget {
  userSays(botId: string, userId: string, text: string): Promise<{ requestId: string; status: number }>;
  clientEvent(botId: string, userId: string, type: ClientEventType, id?: string): Promise<{ status: number }>;
  calls(filter?: CallFilter): RecordedCall[];
  delivered(botId: string, userId: string): string[];
  templates(botId: string, userId: string): Array<{ text: string; template: Record<string, unknown> }>;
  inAgentSession(botId: string, userId: string): boolean;
  reset(): void;
  defaultBotId(): string;
  hasBot(botId: string): boolean;
}

const CLIENT_EVENTS = new Set(['TYPING_STARTED', 'TYPING_STOPPED', 'MESSAGE_READ']);

/** For tests and the benchmark in other processes; unauthenticated, as it is sandbox-only. */
export class ControlController {
  constructor(private readonly sim: ControlTarget) {}

  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const query = queryOf(url);
    const user = /^\/sim\/users\/([^/]+)\/(say|client-event|delivered|templates|agent-session)$/.exec(url.pathname);
    const route = `${req.method} ${user ? `/sim/users/:userId/${user[2]}` : url.pathname}`;
    const userId = user ? decodeURIComponent(user[1]!) : '';
    switch (route) {
      case 'GET /sim/health':
        sendJson(res, 200, { ok: true });
        return true;
      case 'GET /sim/calls':
        sendJson(res, 200, this.sim.calls(filterOf(query)));
        return true;
      case 'POST /sim/reset':
        this.sim.reset();
        res.writeHead(204).end();
        return true;
      case 'GET /sim/users/:userId/delivered':
        sendJson(res, 200, this.sim.delivered(query.botId ?? this.sim.defaultBotId(), userId));
        return true;
      case 'GET /sim/users/:userId/templates':
        sendJson(res, 200, this.sim.templates(query.botId ?? this.sim.defaultBotId(), userId));
        return true;
      case 'GET /sim/users/:userId/agent-session':
        sendJson(res, 200, { inAgentSession: this.sim.inAgentSession(query.botId ?? this.sim.defaultBotId(), userId) });
        return true;
      case 'POST /sim/users/:userId/say':
      case 'POST /sim/users/:userId/client-event':
        await this.drive(req, res, userId, route.endsWith('say'));
        return true;
      default:
        return false;
    }
  }

  private async drive(req: IncomingMessage, res: ServerResponse, userId: string, say: boolean): Promise<void> {
    const { text, tooLarge } = await readBody(req, 64 * 1024);
    const parsed = tooLarge ? { ok: false as const } : parseJson(text);
    if (!parsed.ok || !isPlainObject(parsed.value)) return sendError(res, 400, 'Body must be a JSON object');
    const body = parsed.value;
    const botId = typeof body.botId === 'string' ? body.botId : this.sim.defaultBotId();
    if (!this.sim.hasBot(botId)) return sendError(res, 404, 'Bot not found');
    try {
      if (say) {
        if (typeof body.text !== 'string' || !body.text) return sendError(res, 400, 'text is required');
        sendJson(res, 200, await this.sim.userSays(botId, userId, body.text));
      } else {
        if (typeof body.type !== 'string' || !CLIENT_EVENTS.has(body.type)) return sendError(res, 400, 'type must be a client event');
        const id = typeof body.id === 'string' ? body.id : undefined;
        sendJson(res, 200, await this.sim.clientEvent(botId, userId, body.type as ClientEventType, id));
      }
    } catch (error) {
      sendError(res, 502, (error as Error).message);
    }
  }
}

function filterOf(query: Record<string, string>): CallFilter {
  const filter: CallFilter = {};
  if (query.botId) filter.botId = query.botId;
  if (query.fn) filter.fn = query.fn;
  if (query.userId) filter.userId = query.userId;
  if (query.requestId) filter.requestId = query.requestId;
  if (query.status && /^\d+$/.test(query.status)) filter.status = Number(query.status);
  return filter;
}
