import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorStatusMap } from '../common/api-error';
import { contentTypeIs, headerValue, isPlainObject, parseJson, sendJson } from '../common/http-io.util';
import type { FaultInjector } from '../faults/fault-injector.service';
import { sleep } from '../http/api-call.types';
import type { ResolvedOptions } from '../sim.options';
import type { VisitorChatService } from './visitor-chat.service';
import { V2Error, type VisitorSession } from './visitor-chat.types';

const PATH = /^\/visitors\/([^/]+)\/chat\/(start|send_message|get_pending_messages|close)$/;
const WELCOME_MAX = 1024;

type Settings = Pick<ResolvedOptions, 'licenseId' | 'v2AcceptJson' | 'groupIds'>;

/** The deprecated REST API v2 takes no credentials beyond licence and session. */
export class VisitorChatRoutes {
  constructor(
    private readonly settings: Settings,
    private readonly visitors: VisitorChatService,
    private readonly faults: FaultInjector,
    private readonly statuses: ErrorStatusMap,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse, url: URL, bodyText: string): Promise<boolean> {
    const match = PATH.exec(url.pathname);
    if (!match) return false;
    const visitorId = decodeURIComponent(match[1]!);
    const call = match[2]!;
    try {
      if (req.method !== (call === 'get_pending_messages' ? 'GET' : 'POST')) throw new V2Error(405, 'method not allowed');
      if (this.faults.latencyMs > 0) await sleep(this.faults.latencyMs);
      const rule = this.faults.take(`visitor.${call}`);
      if (rule) {
        if (rule.delayMs) await sleep(rule.delayMs);
        throw new V2Error(rule.status ?? (Number(rule.errorType) || this.statuses.statusOf(rule.errorType)), rule.message ?? rule.errorType);
      }
      if (headerValue(req, 'x-api-version')?.trim() !== '2') throw new V2Error(400, 'X-API-Version: 2 header is required');
      const params = call === 'get_pending_messages' ? Object.fromEntries(url.searchParams) : this.body(req, bodyText);
      sendJson(res, 200, this.run(call, visitorId, params));
    } catch (error) {
      const v2 = error instanceof V2Error ? error : new V2Error(500, 'internal server error');
      sendJson(res, v2.status, { error: v2.message });
    }
    return true;
  }

  private run(call: string, visitorId: string, params: Record<string, string>): unknown {
    this.requireLicence(params);
    if (call === 'start') {
      const welcome = params.welcome_message;
      if (!welcome) throw new V2Error(400, 'welcome_message is required');
      if (welcome.length > WELCOME_MAX) throw new V2Error(400, `welcome_message must be at most ${WELCOME_MAX} characters`);
      return this.visitors.start(visitorId, { welcomeMessage: welcome, name: params.name || undefined, email: params.email || undefined, group: this.group(params.group) });
    }
    const session = this.session(visitorId, params);
    if (call === 'send_message') {
      if (!params.message) throw new V2Error(400, 'message is required');
      this.visitors.sendMessage(session, params.message);
      return { success: true };
    }
    if (call === 'close') {
      this.visitors.close(session);
      return { success: true };
    }
    const last = params.last_message_id;
    if (last !== undefined && !/^\d+$/.test(last)) throw new V2Error(400, 'last_message_id must be a number');
    return { events: this.visitors.pending(session, last === undefined ? undefined : Number(last)) };
  }

  /** The optional `group`: a group number of the licence; a malformed one is a bad argument, an unknown one an unknown resource. */
  private group(value: string | undefined): number | undefined {
    if (value === undefined || value === '') return undefined;
    if (!/^\d{1,9}$/.test(value)) throw new V2Error(400, 'group must be a group number');
    const group = Number(value);
    if (!this.settings.groupIds.includes(group)) throw new V2Error(404, 'group not found');
    return group;
  }

  /** `licence_id`, British spelling, is the only licence credential; a wrong one is a bad credential. */
  private requireLicence(params: Record<string, string>): void {
    if (!params.licence_id) throw new V2Error(400, 'licence_id is required');
    if (params.licence_id !== this.settings.licenseId) throw new V2Error(401, 'invalid licence_id');
  }

  private session(visitorId: string, params: Record<string, string>): VisitorSession {
    if (!params.secured_session_id) throw new V2Error(400, 'secured_session_id is required');
    const session = this.visitors.session(visitorId);
    if (!session) throw new V2Error(404, 'visitor has no chat');
    if (session.securedSessionId !== params.secured_session_id) throw new V2Error(401, 'invalid secured_session_id');
    return session;
  }

  private body(req: IncomingMessage, text: string): Record<string, string> {
    if (contentTypeIs(req, 'application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
    if (this.settings.v2AcceptJson && contentTypeIs(req, 'application/json')) {
      const parsed = parseJson(text);
      if (!parsed.ok || !isPlainObject(parsed.value)) throw new V2Error(400, 'malformed JSON body');
      return Object.fromEntries(Object.entries(parsed.value).map(([k, v]) => [k, String(v)]));
    }
    throw new V2Error(400, 'body must be application/x-www-form-urlencoded');
  }
}
