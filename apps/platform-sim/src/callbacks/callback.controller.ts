import type { IncomingMessage, ServerResponse } from 'node:http';
import { checkCallbackAuth } from '../auth/callback-auth.guard';
import { isJsonContentType, isPlainObject, parseJson, queryOf, readBody, sendError, sendJson } from '../http/json-io.helper';
import type { RecordedCall } from '../sim.types';
import type { BotRegistry } from '../state/bot.registry';
import type { CallRecorder } from '../state/call.recorder';
import type { RequestRegistry } from '../state/request.registry';
import type { CallbackEffects, EffectResult } from './callback-effects.service';
import { parseCallbackPath } from './callback.routes';
import type { FaultInjector } from './fault.injector';

/** The platform's context object alone may reach 1 MB; leave room for the rest. */
const MAX_BODY_BYTES = 2 * 1024 * 1024;

export interface CallbackDeps {
  bots: BotRegistry;
  registry: RequestRegistry;
  recorder: CallRecorder;
  effects: CallbackEffects;
  faults: FaultInjector;
}

type Verdict = EffectResult & { requestId?: string; userIdFallback?: string };

const fail = (status: number, error: string): Verdict => ({ status, body: undefined, error });

/** Strict in the order the platform can check: route, bot, auth, body, requestId. */
export class CallbackController {
  constructor(private readonly deps: CallbackDeps) {}

  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const at = Date.now();
    const { text, tooLarge } = await readBody(req, MAX_BODY_BYTES);
    if (this.deps.faults.latencyMs > 0) await new Promise((r) => setTimeout(r, this.deps.faults.latencyMs));
    const parsedPath = parseCallbackPath(url.pathname);
    const query = queryOf(url);
    // BotKit sends GETs with a JSON `null` body too; record whatever came.
    const parsedBody = text ? parseJson(text) : undefined;
    const body = parsedBody?.ok ? parsedBody.value : text || undefined;
    const verdict = this.judge(req, parsedPath, query, body, tooLarge);

    const call: RecordedCall = {
      fn: parsedPath?.route?.fn ?? 'unknown',
      method: req.method ?? '',
      path: url.pathname,
      botId: parsedPath?.botId ?? '',
      requestId: parsedPath?.requestId,
      userId: userIdOf(body, query) ?? verdict.userIdFallback,
      headers: req.headers,
      body: tooLarge ? '<body over the size limit>' : body,
      query,
      status: verdict.status,
      at,
    };
    this.deps.recorder.record(call);
    if (verdict.error !== undefined) sendError(res, verdict.status, verdict.error);
    else sendJson(res, verdict.status, verdict.body);
  }

  private judge(
    req: IncomingMessage,
    path: ReturnType<typeof parseCallbackPath>,
    query: Record<string, string>,
    body: unknown,
    tooLarge: boolean,
  ): Verdict {
    if (!path?.route) return fail(404, 'Not found');
    const { route } = path;
    if (req.method !== route.method) return fail(405, `Use ${route.method} for ${path.action}`);
    const bot = this.deps.bots.get(path.botId);
    if (!bot) return fail(404, 'Bot not found');
    const injected = this.deps.faults.take(route.fn);
    if (injected !== undefined) return fail(injected, 'Injected failure');
    const auth = checkCallbackAuth(req.headers, bot);
    if (!auth.ok) return fail(401, auth.msg);
    if (route.method === 'GET') {
      return this.deps.effects.apply(route.fn, { bot, body: {}, query, headers: req.headers });
    }
    if (tooLarge) return fail(413, 'Request body too large');
    if (!isJsonContentType(req)) return fail(400, 'Content-Type must be application/json');
    if (!isPlainObject(body)) return fail(400, 'Body must be a JSON object');
    if (body.requestId !== path.requestId) return fail(400, 'requestId in the body does not match the URL');
    const request = this.deps.registry.find(bot.botId, path.requestId!);
    if (!request) return fail(404, 'Request not found');
    const result = this.deps.effects.apply(route.fn, { bot, request, body, query, headers: req.headers });
    return { ...result, userIdFallback: request.userId };
  }
}

/** Read the way BotKit's own code reads it. */
function userIdOf(body: unknown, query: Record<string, string>): string | undefined {
  if (query.userId) return query.userId;
  if (!isPlainObject(body)) return undefined;
  const channel = isPlainObject(body.channel) ? body.channel : undefined;
  const infos = channel && isPlainObject(channel.channelInfos) ? channel.channelInfos : undefined;
  const context = isPlainObject(body.context) ? body.context : undefined;
  const session = context && isPlainObject(context.session) ? context.session : undefined;
  const user = session && isPlainObject(session.UserContext) ? session.UserContext : undefined;
  for (const candidate of [user?._id, infos?.from, channel?.from]) {
    if (typeof candidate === 'string' && candidate) return candidate;
  }
  return undefined;
}
