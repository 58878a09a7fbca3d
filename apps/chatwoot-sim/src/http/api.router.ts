import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from '../common/api-error';
import { sendJson, sendText } from '../common/http-io.util';
import type { ApiGate } from './api.gate';
import type { RouteDef } from './api.types';

const ACCOUNT_PATH = /^\/api\/v1\/accounts\/([^/]+)(\/.*)$/;

/** Dispatches `/api/v1/accounts/{id}/...`: the route first (Rails routes before any filter), then the gate. */
export class ApiRouter {
  constructor(
    private readonly routes: RouteDef[],
    private readonly gate: ApiGate,
    private readonly log: (line: string) => void,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse, url: URL, body: { text: string; tooLarge: boolean }): Promise<boolean> {
    const match = ACCOUNT_PATH.exec(url.pathname.replace(/\/+$/, '').replace(/\.json$/, ''));
    if (!match) return false;
    const method = req.method ?? 'GET';
    let params: string[] = [];
    const route = this.routes.find((r) => {
      const methods = Array.isArray(r.method) ? r.method : [r.method];
      const m = methods.includes(method) ? r.pattern.exec(match[2]!) : null;
      if (m) params = m.slice(1).map(decodeURIComponent);
      return m !== null;
    });
    try {
      if (!route) throw new ApiError(404, { error: 'Not Found' });
      await this.gate.injected(route.name);
      const user = this.gate.authenticate(req);
      const accountId = this.gate.account(match[1]!, user);
      const answer = route.handle({ accountId, user, params, query: url.searchParams, body: this.gate.body(body.text, body.tooLarge) });
      if (answer.body === undefined) sendText(res, answer.status ?? 200, 'text/plain', '');
      else sendJson(res, answer.status ?? 200, answer.body);
    } catch (error) {
      this.fail(res, error, route?.name ?? 'unrouted');
    }
    return true;
  }

  private fail(res: ServerResponse, error: unknown, route: string): void {
    if (!(error instanceof ApiError)) {
      this.log(`${route}: internal error: ${(error as Error).message}`);
      return sendJson(res, 500, { error: 'Internal Server Error' });
    }
    if (error.text) return sendText(res, error.status, error.text.contentType, error.text.body, error.text.headers);
    sendJson(res, error.status, error.body);
  }
}
