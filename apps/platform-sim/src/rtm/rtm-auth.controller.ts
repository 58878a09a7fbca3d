import type { IncomingMessage, ServerResponse } from 'node:http';
import { JwtRejected, jwtAlgorithmOf, verifyHsJwt } from '../auth/hs-jwt.codec';
import { historyPage, parsePaging } from '../callbacks/history.presenter';
import { bearerToken, isPlainObject, parseJson, queryOf, readBody, sendError, sendJson } from '../http/json-io.helper';
import type { WebClientApp } from '../sim.types';
import type { BotRegistry } from '../state/bot.registry';
import type { ConversationStore } from '../state/conversation.store';
import type { RtmSessionStore } from './rtm-session.store';

const MAX_BODY_BYTES = 64 * 1024;

export interface RtmAuthDeps {
  bots: BotRegistry;
  sessions: RtmSessionStore;
  conversations: ConversationStore;
  webClient: WebClientApp;
  /** `ws://host:port` of the simulator, for a socket URL when the request names no Host. */
  socketBase: () => string;
}

/** Kore's RTM handshake: jwtgrant swaps the app's JWT for a bearer token, rtm/start that for a short-lived socket URL. */
export class RtmAuthController {
  constructor(private readonly deps: RtmAuthDeps) {}

  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const route = `${req.method} ${url.pathname}`;
    if (route === 'POST /api/1.1/oAuth/token/jwtgrant') await this.jwtGrant(req, res);
    else if (route === 'POST /api/1.1/rtm/start') await this.rtmStart(req, res);
    else if (route === 'GET /api/botmessages/rtm') this.history(req, res, url);
    else return false;
    return true;
  }

  private async jwtGrant(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await this.jsonBody(req, res);
    if (!body) return;
    const botInfo = isPlainObject(body.botInfo) ? body.botInfo : {};
    const bot = typeof botInfo.taskBotId === 'string' ? this.deps.bots.get(botInfo.taskBotId) : undefined;
    if (!bot) return sendError(res, 400, 'botInfo.taskBotId is not a known bot');
    if (typeof body.assertion !== 'string') return sendError(res, 400, 'assertion is required');
    const claims = this.verifyAssertion(body.assertion);
    if (typeof claims === 'string') return sendError(res, 401, claims);
    const identity = [claims.userIdentity, claims.sub].find((v): v is string => typeof v === 'string' && v.length > 0);
    if (!identity) return sendError(res, 401, 'assertion names no user (sub or userIdentity)');
    const grant = this.deps.sessions.grant({ userId: identity, botId: bot.botId });
    sendJson(res, 200, {
      authorization: {
        accessToken: grant.accessToken,
        token_type: 'bearer',
        expiresDate: new Date(grant.expiresAt).toISOString(),
        issuedDate: new Date(grant.issuedAt).toISOString(),
      },
      userInfo: {
        userId: identity,
        accountId: 'sandbox',
        orgId: 'o-sandbox',
        identity: `${this.deps.webClient.clientId}/${identity}`,
        enrollType: 'free',
        managedBy: 'sandbox',
        fName: '',
        lName: '',
      },
    });
  }

  /** The app's JWT: signed with the web-client secret (HS256 or HS512), issued by its Client ID, with exp. */
  private verifyAssertion(assertion: string): Record<string, unknown> | string {
    const alg = jwtAlgorithmOf(assertion);
    if (alg !== 'HS256' && alg !== 'HS512') return 'assertion must be signed with HS256 or HS512';
    let claims: Record<string, unknown>;
    try {
      // A little leeway: the assertion is minted by another machine (the customer's site).
      claims = verifyHsJwt(assertion, this.deps.webClient.clientSecret, alg, 30);
    } catch (error) {
      if (error instanceof JwtRejected) return `assertion rejected: ${error.reason}`;
      throw error;
    }
    const issuer = claims.iss ?? claims.appId;
    if (issuer !== this.deps.webClient.clientId) return 'assertion was not issued by the web client app (iss)';
    return claims;
  }

  private async rtmStart(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const identity = this.deps.sessions.identityOf(bearerToken(req));
    if (!identity) return sendError(res, 401, 'Invalid or expired access token');
    const body = await this.jsonBody(req, res, true);
    if (body === null) return;
    const botInfo = body && isPlainObject(body.botInfo) ? body.botInfo : undefined;
    if (botInfo?.taskBotId !== undefined && botInfo.taskBotId !== identity.botId) {
      return sendError(res, 400, 'botInfo.taskBotId does not match the access token');
    }
    const key = this.deps.sessions.issueSocketKey(identity);
    // The client reached us at its Host, so the socket URL uses it too (a browser may say localhost).
    const host = req.headers.host;
    const scheme = req.headers['x-forwarded-proto'] === 'https' ? 'wss' : 'ws';
    const base = host ? `${scheme}://${host}` : this.deps.socketBase();
    sendJson(res, 200, { ok: true, url: `${base}/rtm/bot?key=${key}` });
  }

  private history(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const identity = this.deps.sessions.identityOf(bearerToken(req));
    if (!identity) return sendError(res, 401, 'Invalid or expired access token');
    const query = queryOf(url);
    if (!query.botId) return sendError(res, 400, 'botId is required');
    if (!this.deps.bots.get(query.botId)) return sendError(res, 404, 'Bot not found');
    const paging = parsePaging(query);
    if (!paging.ok) return sendError(res, 400, paging.msg);
    sendJson(res, 200, historyPage(this.deps.conversations.find(query.botId, identity.userId), paging));
  }

  /** The JSON object body, or null after answering 4xx; `undefined` when empty and `optional`. */
  private async jsonBody(req: IncomingMessage, res: ServerResponse, optional = false): Promise<Record<string, unknown> | null | undefined> {
    const { text, tooLarge } = await readBody(req, MAX_BODY_BYTES);
    if (tooLarge) {
      sendError(res, 413, 'Request body too large');
      return null;
    }
    if (!text && optional) return undefined;
    const parsed = parseJson(text);
    if (!parsed.ok || !isPlainObject(parsed.value)) {
      sendError(res, 400, 'Body must be a JSON object');
      return null;
    }
    return parsed.value;
  }
}
